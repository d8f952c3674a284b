"""A relying party built on Authlib (the client library Python teams use), the provider's published
documents, a browser-like client logged in on EFP Connect, and a back-channel logout receiver."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import OIDC_TEST_CLIENT, RunningSystem
from tests.e2e.access import Person, become_manager
from tests.e2e.journeys import PASSWORD
from tests.pages.test_pages import log_in

# « Mistral Formation », reserved for the single sign-on tests; the openid-client journey makes a
# manager of its other establishment (00003007200011), in its own session.
MISTRAL = ("000030072", "00003007200029")
CALLBACK = OIDC_TEST_CLIENT["redirect_uris"][0]
ALL_SCOPES = "openid email profile organization habilitations"


@pytest.fixture(scope="session")
def discovery(system: RunningSystem) -> dict[str, Any]:
    answer = httpx.get(f"{system.web_url}/.well-known/openid-configuration")
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


def key_set(discovery: dict[str, Any]) -> KeySet:
    return KeySet.import_key_set(httpx.get(discovery["jwks_uri"]).json())


def verified_claims(discovery: dict[str, Any], token: str, **expected: Any) -> dict[str, Any]:
    """The token's claims once its signature (ES256, by a published key) and registered claims hold."""
    decoded = jwt.decode(token, key_set(discovery), algorithms=["ES256"])
    essentials = {name: {"essential": True, "value": value} for name, value in expected.items()}
    jwt.JWTClaimsRegistry(exp={"essential": True}, iat={"essential": True}, **essentials).validate(decoded.claims)
    return {**decoded.claims, "_header": decoded.header}


@pytest.fixture(scope="session")
def manager(system: RunningSystem, mail_server: MailRecorder) -> Person:
    """An access manager of Mistral: an active CERES habilitation, so access to the test client."""
    person = Person(system, mail_server, MISTRAL[0])
    become_manager(system, person, MISTRAL[1])
    return person


def collaborator(system: RunningSystem, mail_server: MailRecorder, manager: Person) -> Person:
    """A new person of Mistral whose access request the manager accepted: access, and a login of their own
    (one address may log in only 10 times in 5 minutes)."""
    person = Person(system, mail_server, MISTRAL[0])
    asked = person.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": MISTRAL[1]})
    assert asked.status_code == 201, asked.text
    habilitation = {"role": "centre_agree", "siret": MISTRAL[1]}
    accept = f"/api/v1/access-requests/{asked.json()['id']}/accept"
    accepted = manager.http.post(accept, json={"habilitations": [habilitation]})
    assert accepted.status_code == 200, accepted.text
    return person


@pytest.fixture(scope="session")
def manager_browser(system: RunningSystem, manager: Person) -> Iterator[httpx.Client]:
    """The manager logged in once on EFP Connect, for the tests that only sign in (see `collaborator`)."""
    with httpx.Client(base_url=system.web_url, timeout=15, headers={"Origin": system.web_url}) as client:
        yield logged_in(client, manager.email)


@pytest.fixture
def browser(system: RunningSystem) -> Iterator[httpx.Client]:
    """Cookies kept and Origin sent, as a browser does; redirects read, not followed."""
    with httpx.Client(base_url=system.web_url, timeout=15, headers={"Origin": system.web_url}) as client:
        yield client


def logged_in(browser: httpx.Client, email: str) -> httpx.Client:
    answer = log_in(browser, email, PASSWORD)
    assert answer.status_code == 303, answer.text[:500]
    return browser


@dataclass
class RelyingParty:
    """One sign-in of the test client, as an application built on Authlib makes it."""

    discovery: dict[str, Any]
    client_id: str = OIDC_TEST_CLIENT["client_id"]
    client_secret: str = OIDC_TEST_CLIENT["client_secret"]
    redirect_uri: str = CALLBACK
    verifier: str = field(default_factory=lambda: generate_token(48))
    nonce: str = field(default_factory=lambda: generate_token(20))
    state: str = ""

    def oauth(self, scope: str = ALL_SCOPES) -> OAuth2Client:
        return OAuth2Client(
            self.client_id,
            self.client_secret,
            scope=scope,
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",
        )

    def authorization_url(self, scope: str = ALL_SCOPES, **extra: str) -> str:
        with self.oauth(scope) as oauth:
            url, self.state = oauth.create_authorization_url(
                self.discovery["authorization_endpoint"], code_verifier=self.verifier, nonce=self.nonce, **extra
            )
        return str(url)

    def callback(self, browser: httpx.Client, scope: str = ALL_SCOPES, **extra: str) -> str:
        """Where the provider sends the browser back (the pages follow-up included, no login)."""
        answer = browser.get(self.authorization_url(scope, **extra))
        while answer.status_code == 303 and not answer.headers["location"].startswith(self.redirect_uri):
            answer = browser.get(answer.headers["location"])
        assert answer.status_code == 303, answer.text[:500]
        return answer.headers["location"]

    def tokens(self, callback: str) -> dict[str, Any]:
        with self.oauth() as oauth:
            token = oauth.fetch_token(
                self.discovery["token_endpoint"],
                authorization_response=callback,
                state=self.state,
                code_verifier=self.verifier,
            )
        return dict(token)

    def sign_in(self, browser: httpx.Client, scope: str = ALL_SCOPES) -> dict[str, Any]:
        return self.tokens(self.callback(browser, scope))


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


class LogoutReceiver:
    """The test client's back-channel logout URI: records each logout token; answers 200, or
    `failures` times 503 first (a relying party briefly down)."""

    def __init__(self, port: int) -> None:
        self.tokens: list[str] = []
        self.failures = 0
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                if receiver.failures > 0:
                    receiver.failures -= 1
                    receiver.refused += 1
                    self.send_response(503)
                else:
                    receiver.tokens.extend(parse_qs(body).get("logout_token", []))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="session")
def logout_receiver(system: RunningSystem) -> Iterator[LogoutReceiver]:
    receiver = LogoutReceiver(system.backchannel_port)
    try:
        yield receiver
    finally:
        receiver.close()
