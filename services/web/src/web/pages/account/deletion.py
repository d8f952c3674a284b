"""« Supprimer mon compte » (`DELETE /api/v1/me`): what goes and what stays, the password and a confirmation;
then the public page « Votre compte a été supprimé ». A step-up asked by the gateway goes through the
second-factor page and back here (main.py); `last_manager` names the organisation and the way to appoint
another manager."""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError, Problem
from web.page import PageDep
from web.pages.management.common import BASE
from web.sessions import rotated

router = APIRouter()
PAGE, TEMPLATE, TITLE = "/mon-compte/supprimer", "pages/account/delete.html.j2", "Supprimer mon compte"
DELETED = "/compte-supprime"
CONFIRM = "Cochez cette case pour confirmer la suppression de votre compte."
SIREN = re.compile(r"^\d{9}$")


def _manage_link(problem: Problem) -> str | None:
    """For `last_manager`: the organisation's users, where another manager is appointed."""
    if problem.code != "last_manager":
        return None
    siren = str(problem.extra.get("siren") or "")
    return f"{BASE}/utilisateurs" + (f"?siren={siren}" if SIREN.match(siren) else "")


@router.get(PAGE)
async def delete_form(page: PageDep) -> Response:
    await page.me()
    return page.render(TEMPLATE, TITLE, errors={}, values={}, manage=None)


@router.post(PAGE)
async def delete(page: PageDep) -> Response:
    await page.me()
    await page.form()
    password, confirmed = page.field("password"), page.field("confirmation") == "oui"
    errors = {
        **({} if password else {"password": "Indiquez votre mot de passe actuel."}),
        **({} if confirmed else {"confirmation": CONFIRM}),
    }
    if errors:
        problem = Problem(422, "validation_error", "Veuillez renseigner les champs obligatoires.", errors)
        return page.render_problem(TEMPLATE, TITLE, problem, manage=None)
    try:
        await page.api("DELETE", "/api/v1/me", json={"password": password})
    except GatewayError as refused:
        problem = refused.problem
        if problem.code == "invalid_credentials" and not problem.errors:
            problem = replace(problem, errors={"password": problem.detail})
        response = page.render_problem(TEMPLATE, TITLE, problem, manage=_manage_link(problem))
        response.status_code = 409 if problem.code == "last_manager" else response.status_code
        return response
    # The gateway session is gone with the account: ours goes too, under a new token with an empty flow.
    now = datetime.now(UTC)
    page.request.state.web_session = page.session = rotated(
        page.session, now, timedelta(seconds=page.settings.session_absolute_seconds)
    )
    page.session.flow.clear()
    return page.redirect(DELETED)


@router.get(DELETED)
async def deleted(page: PageDep) -> Response:
    return page.render("pages/account/deleted.html.j2", "Votre compte a été supprimé")
