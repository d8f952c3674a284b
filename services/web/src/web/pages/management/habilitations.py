"""Adding a habilitation to a user (« Ajouter une habilitation », guide 000 §6.4 steps 5–7) and
removing one through a confirmation page (step 9)."""

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError, Problem
from web.page import Page, PageDep
from web.pages.management.common import (
    BASE,
    SERVICE,
    AccountId,
    HabilitationId,
    Organisation,
    grant_errors,
    managed_organisation,
    not_a_manager,
    role_options,
)
from web.pages.management.user import user_of

router = APIRouter(prefix=f"{BASE}/utilisateurs")
ADD_TITLE = "Ajouter une habilitation"


async def _add_form(
    page: Page,
    org: Organisation,
    user: dict[str, Any],
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    problem: Problem | None = None,
    status_code: int = 200,
) -> Response:
    return page.render(
        "pages/management/habilitation_add.html.j2",
        ADD_TITLE,
        status_code=status_code,
        org=org,
        user=user,
        roles=await role_options(page),
        establishments=org.establishment_options(),
        values=values or {},
        errors=errors or {},
        problem=problem,
    )


@router.get("/{account_id}/habilitations/nouvelle")
async def add_form(account_id: AccountId, page: PageDep) -> Response:
    org = await managed_organisation(page)
    if org is None:
        return not_a_manager(page)
    return await _add_form(page, org, await user_of(page, org, account_id))


@router.post("/{account_id}/habilitations/nouvelle")
async def add(account_id: AccountId, page: PageDep) -> Response:
    org = await managed_organisation(page)
    if org is None:
        return not_a_manager(page)
    await page.form()
    values = {name: page.field(name) for name in ("siret", "role", "end_date")}
    errors = grant_errors(values["role"], values["siret"], values["end_date"], org)
    user = await user_of(page, org, account_id)
    if errors:
        problem = Problem(status=422, code="validation_error", detail="Vérifiez les champs signalés.", errors=errors)
        return await _add_form(page, org, user, values, errors, problem, status_code=422)
    body = {"service": SERVICE, **values, "end_date": values["end_date"] or None}
    try:
        await page.api("POST", f"/api/v1/organisations/{org.siren}/users/{account_id}/habilitations", json=body)
    except GatewayError as refused:
        problem = refused.problem
        return await _add_form(page, org, user, values, problem.errors, problem, status_code=422)
    return page.redirect(f"{BASE}/utilisateurs/{account_id}{org.query(fait='habilitation-ajoutee')}")


def _habilitation(user: dict[str, Any], habilitation_id: str) -> dict[str, Any] | None:
    for h in user.get("habilitations") or []:
        if h.get("id") == habilitation_id and h.get("state", "active") == "active":
            return dict(h)
    return None


@router.get("/{account_id}/habilitations/{habilitation_id}/retirer")
async def remove_form(account_id: AccountId, habilitation_id: HabilitationId, page: PageDep) -> Response:
    org = await managed_organisation(page)
    if org is None:
        return not_a_manager(page)
    user = await user_of(page, org, account_id)
    habilitation = _habilitation(user, habilitation_id)
    if habilitation is None:
        # Already removed (or never this person's): back to the page, which shows what is left.
        return page.redirect(f"{BASE}/utilisateurs/{account_id}{org.query()}")
    return page.render(
        "pages/management/habilitation_remove.html.j2",
        "Retirer une habilitation",
        org=org,
        user=user,
        habilitation=habilitation,
        role_labels=dict(await role_options(page)),
    )


@router.post("/{account_id}/habilitations/{habilitation_id}/retirer")
async def remove(account_id: AccountId, habilitation_id: HabilitationId, page: PageDep) -> Response:
    org = await managed_organisation(page)
    if org is None:
        return not_a_manager(page)
    await page.form()
    user = await user_of(page, org, account_id)
    if _habilitation(user, habilitation_id) is None:
        return page.redirect(f"{BASE}/utilisateurs/{account_id}{org.query()}")
    await page.api("DELETE", f"/api/v1/habilitations/{habilitation_id}")
    return page.redirect(f"{BASE}/utilisateurs/{account_id}{org.query(fait='habilitation-retiree')}")
