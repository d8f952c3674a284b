"""A user's page (guide 000 §6.4 steps 5–9): « Coordonnées », « Responsable des accès » (appoint,
withdraw) and « Gérer les accès » (the habilitations, each removable); adding and removing a
habilitation are in `habilitations.py`."""

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError, Problem
from web.page import Page, PageDep
from web.pages.management.common import (
    BASE,
    AccountId,
    Organisation,
    managed_organisation,
    not_a_manager,
    notice_of,
    role_options,
)

router = APIRouter(prefix=f"{BASE}/utilisateurs")
LAST_MANAGER = (
    "Vous ne pouvez pas retirer ce droit : cette personne est le dernier responsable des accès de "
    "l’entreprise. Nommez d’abord un autre responsable des accès."
)


async def user_of(page: Page, org: Organisation, account_id: str) -> dict[str, Any]:
    answer = await page.api("GET", f"/api/v1/organisations/{org.siren}/users/{account_id}")
    return dict(answer)


async def render_user(
    page: Page, org: Organisation, account_id: str, problem: Problem | None = None, status_code: int = 200
) -> Response:
    user = await user_of(page, org, account_id)
    active = [h for h in user.get("habilitations") or [] if h.get("state", "active") == "active"]
    me = await page.me()
    return page.render(
        "pages/management/user.html.j2",
        "Fiche utilisateur",
        status_code=status_code,
        org=org,
        user=user,
        habilitations=active,
        role_labels=dict(await role_options(page)),
        is_me=me.get("account_id") == account_id,
        notice=notice_of(page),
        problem=problem,
    )


@router.get("/{account_id}")
async def user_page(account_id: AccountId, page: PageDep) -> Response:
    org = await managed_organisation(page)
    if org is None:
        return not_a_manager(page)
    return await render_user(page, org, account_id)


@router.post("/{account_id}/responsable")
async def appoint(account_id: AccountId, page: PageDep) -> Response:
    """« Nommer responsable des accès »."""
    org = await managed_organisation(page)
    if org is None:
        return not_a_manager(page)
    await page.form()
    await page.api("PUT", f"/api/v1/organisations/{org.siren}/managers/{account_id}")
    return page.redirect(f"{BASE}/utilisateurs/{account_id}{org.query(fait='responsable-nomme')}")


@router.post("/{account_id}/responsable/retirer")
async def withdraw(account_id: AccountId, page: PageDep) -> Response:
    """« Retirer Responsable des accès »; the last manager of the organisation keeps the right."""
    org = await managed_organisation(page)
    if org is None:
        return not_a_manager(page)
    await page.form()
    try:
        await page.api("DELETE", f"/api/v1/organisations/{org.siren}/managers/{account_id}")
    except GatewayError as refused:
        if refused.problem.status != 409:
            raise
        problem = refused.problem
        if problem.code == "last_manager":
            problem = Problem(status=409, code="last_manager", detail=LAST_MANAGER)
        return await render_user(page, org, account_id, problem=problem, status_code=409)
    me = await page.me()
    if me.get("account_id") == account_id:
        # Without the right, the person can no longer see the organisation's pages.
        return page.redirect("/accueil")
    return page.redirect(f"{BASE}/utilisateurs/{account_id}{org.query(fait='responsable-retire')}")
