"""The relying party's side of the OIDC bench (bench/oidc_sign_in.py): its registration, the managers who sign
in (each made by an agent's code, guide §3.2), and the authorization code flow with PKCE as an application
runs it, through the web's pages and the gateway's token endpoint."""

import base64
import csv
import hashlib
import os
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from journeys import ANSWER, PASSWORD, log_in, sign_up  # bench/, beside this script
from web_pages import form_fields

from devstack.mail_recorder import MailRecorder
from devstack.system import SIRENE_SAMPLE

AGENT = ("agent.banc@travail.gouv.fr", "Agent-Banc-Pa55word!")
CALLBACK = "http://rp.bench/callback"  # never fetched: the code is read from the Location header
CLIENT_ID, CLIENT_SECRET = "bench-rp", "bench-rp-secret-0123456789abcdefghijklmno"  # the bench's own throwaway client
CLIENT = {
    "client_id": CLIENT_ID,
    "client_secret": CLIENT_SECRET,
    "name": "Application du banc d’essai",
    "service": "ceres",
    "redirect_uris": [CALLBACK],
    "post_logout_redirect_uris": ["http://rp.bench/"],
}
SCOPE = "openid email profile organization habilitations"


def open_sirets(count: int) -> list[str]:
    """Open establishments of open organisations in the SIRENE sample: one per manager (an establishment
    gets its first manager by an agent's code, once)."""
    with (SIRENE_SAMPLE / "StockUniteLegale_sample.csv").open(newline="") as units:
        open_sirens = {row["siren"] for row in csv.DictReader(units) if row["etatAdministratifUniteLegale"] == "A"}
    with (SIRENE_SAMPLE / "StockEtablissement_sample.csv").open(newline="") as establishments:
        sirets = [
            row["siret"]
            for row in csv.DictReader(establishments)
            if row["etatAdministratifEtablissement"] == "A" and row["siren"] in open_sirens
        ]
    if len(sirets) < count:
        raise SystemExit(f"the SIRENE sample has {len(sirets)} open establishments, {count} asked")
    return sirets[:count]


def make_managers(gateway: str, mail: MailRecorder, count: int) -> list[str]:
    """Guide §3.2 for each account: the agent's code, the charter, its own habilitation and the CGU."""
    emails = []
    with httpx.Client(base_url=gateway, timeout=30) as agent:
        log_in(agent, *AGENT)
        for index, siret in enumerate(open_sirets(count)):
            issued = agent.post("/api/v1/agent/activation-codes", json={"siret": siret, "service": "ceres"})
            email = f"bench.oidc.{index}.{os.getpid()}@centre-formation.fr"
            with httpx.Client(base_url=gateway, timeout=30) as manager:
                sign_up(manager, mail, email, siret[:9])
                log_in(manager, email)
                code = {"siret": siret, "activation_code": issued.raise_for_status().json()["code"]}
                started = manager.post("/api/v1/activations", json=code).raise_for_status()
                activation = started.json()["activation_id"]
                accept = {"accept": True}
                manager.post(f"/api/v1/activations/{activation}/accept-charter", json=accept).raise_for_status()
                own = {"role": "gestionnaire_centres", "siret": siret}
                manager.post("/api/v1/me/habilitations", json=own).raise_for_status()
                manager.post("/api/v1/services/ceres/terms", json=accept).raise_for_status()
            emails.append(email)
    return emails


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(challenge: str, state: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": CALLBACK,
        "scope": SCOPE,
        "state": state,
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }


def code_of(location: str, state: str) -> str:
    if not location.startswith(CALLBACK + "?"):
        raise RuntimeError(f"the sign-in did not reach the application: {location}")
    query = parse_qs(urlsplit(location).query)
    if query.get("state") != [state] or "code" not in query:
        raise RuntimeError(f"no code for this state: {location}")
    return query["code"][0]


async def authorize(web: httpx.AsyncClient, email: str | None) -> tuple[str, str]:
    """A code and its verifier; logs in through the web's form first when `email` is given."""
    verifier, challenge = pkce()
    state = secrets.token_urlsafe(16)
    answer = await web.get("/oidc/authorize", params=authorize_params(challenge, state))
    if email is not None:
        login = await web.get(answer.headers["location"])  # /connexion?suite=/oidc/authorize/suite
        fields = form_fields(login.text) | {"email": email, "password": PASSWORD, "captcha_answer": ANSWER}
        answer = await web.post("/connexion", data=fields)  # → the redirect URI, the sign-in going on
        if answer.headers.get("location", "").startswith("/"):  # a page of the web first (as before)
            answer = await web.get(answer.headers["location"])
    if answer.status_code != 303:
        raise RuntimeError(f"authorize answered {answer.status_code}: {answer.text[:300]}")
    return code_of(answer.headers["location"], state), verifier


async def exchange(gateway: httpx.AsyncClient, code: str, verifier: str) -> dict[str, Any]:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier}
    response = await gateway.post("/oidc/token", data=form, auth=(CLIENT_ID, CLIENT_SECRET))
    if response.status_code != 200:
        raise RuntimeError(f"token exchange answered {response.status_code}: {response.text[:300]}")
    return response.json()  # type: ignore[no-any-return]
