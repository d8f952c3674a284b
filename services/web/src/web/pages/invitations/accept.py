"""The invitation e-mail's link (guide 000 §5): one path whatever the case. Logged in with the
invited address: « Accepter l'invitation ». Not logged in: log in (or, with an account prepared by
the invitation, choose a password first) and come back here. Another address, a spent or unknown
link: a page that says so and what to do."""

import json
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError
from web.page import AFTER_LOGIN, Page, PageDep, login_location
from web.pages.invitations.common import TOKEN, accept_path, organisation, role_options
from web.sessions import rotated

router = APIRouter(prefix="/invitations")
TITLE = "Invitation à accéder au service numérique CERES"
# Kept in the web session: after the login (or the password chosen first) the person comes back.
FLOW_TOKEN = "invitation_token"  # noqa: S105 (a flow key, not a secret)
ACCEPTED = "invitation_accepted"
INVALID_LINK = "Ce lien d’invitation n’est pas valide. Utilisez le lien du dernier e-mail d’invitation reçu."


def _invalid(page: Page, detail: str, status_code: int = 404) -> Response:
    return page.render(
        "pages/invitations/invalid.html.j2", "Invitation non valable", status_code=status_code, detail=detail
    )


def _token_of(page: Page, given: str) -> str | None:
    token = given or page.session.flow.get(FLOW_TOKEN, "")
    return token if TOKEN.match(token) else None


@router.get("/accepter")
async def accept_page(page: PageDep) -> Response:
    token = _token_of(page, page.request.query_params.get("token", "").strip())
    if token is None:
        return _invalid(page, INVALID_LINK)
    if page.session.flow.get(FLOW_TOKEN) != token:
        page.session.remember(**{FLOW_TOKEN: token})
    here = accept_path(token)
    if not page.session.logged_in:
        # Whatever way the person logs in (their password chosen through the reset e-mail's
        # button ends on a plain login page), they come back here.
        if page.session.flow.get(AFTER_LOGIN) != here:
            page.session.remember(**{AFTER_LOGIN: here})
        return page.render(
            "pages/invitations/welcome.html.j2",
            TITLE,
            login=login_location(here),
            first_login="/invitations/accepter/mot-de-passe",
        )
    me = await page.me()
    return page.render("pages/invitations/accept.html.j2", TITLE, token=token, email=me.get("email", ""))


@router.post("/accepter")
async def accept(page: PageDep) -> Response:
    await page.form()
    token = _token_of(page, page.field("token"))
    if token is None:
        return _invalid(page, INVALID_LINK)
    if not page.session.logged_in:
        return page.redirect(login_location(accept_path(token)))
    try:
        accepted = await page.api("POST", "/api/v1/invitations/accept", json={"token": token})
    except GatewayError as refused:
        problem = refused.problem
        if problem.status == 403:
            me = await page.me()
            return page.render(
                "pages/invitations/wrong_account.html.j2",
                "Invitation destinée à une autre adresse",
                status_code=403,
                detail=problem.detail,
                email=me.get("email", ""),
                token=token,
            )
        page.session.remember(**{FLOW_TOKEN: None})
        return _invalid(page, problem.detail, status_code=problem.status if problem.status < 500 else 400)
    page.session.remember(**{FLOW_TOKEN: None, ACCEPTED: _summary(accepted)})
    return page.redirect("/invitations/acceptee")


def _summary(accepted: dict[str, Any]) -> str:
    """What the success page lists (kept as one string: the flow holds strings)."""
    return json.dumps(
        {
            "organisation_name": accepted.get("organisation_name") or accepted.get("siren", ""),
            "siren": accepted.get("siren", ""),
            "habilitations": accepted.get("habilitations") or [],
        }
    )


@router.get("/acceptee")
async def accepted_page(page: PageDep) -> Response:
    await page.me()
    raw = page.session.flow.get(ACCEPTED)
    summary: dict[str, Any] = json.loads(raw) if raw else {"organisation_name": "", "siren": "", "habilitations": []}
    names: dict[str, Any] = {}
    if summary["siren"]:
        org = await organisation(page, str(summary["siren"]))
        names = {e["siret"]: e.get("name") or org.get("name") for e in org.get("establishments") or []}
    return page.render(
        "pages/invitations/accepted.html.j2",
        "Invitation acceptée",
        summary=summary,
        role_labels=dict(await role_options(page)),
        establishment_names=names,
    )


@router.post("/accepter/changer-de-compte")
async def switch_account(page: PageDep) -> Response:
    """Logged in with another address: log out, keeping the invitation, then log in again."""
    await page.form()
    token = _token_of(page, page.field("token"))
    if page.session.logged_in:
        with suppress(GatewayError):
            await page.gateway.call(page.caller, "DELETE", "/api/v1/session")
    now = datetime.now(UTC)
    session = rotated(page.session, now, timedelta(seconds=page.settings.session_absolute_seconds))
    page.request.state.web_session = page.session = session
    return page.redirect(login_location(accept_path(token)) if token else "/connexion")
