"""« Déléguer une habilitation à un tiers » (guide 001 part B): a person of another organisation
gets a role on one of the organisation's establishments, until a date (required)."""

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError, Problem
from web.page import Page, PageDep
from web.pages.management.common import (
    BASE,
    SERVICE,
    Organisation,
    grant_errors,
    managed_organisation,
    not_a_manager,
    notice_of,
    role_options,
)

router = APIRouter(prefix=f"{BASE}/delegation")
TITLE = "Déléguer une habilitation à un tiers"
FIELDS = ("email", "siret", "role", "end_date")


async def _form(
    page: Page,
    org: Organisation,
    values: dict[str, str] | None = None,
    problem: Problem | None = None,
    status_code: int = 200,
) -> Response:
    return page.render(
        "pages/management/delegation.html.j2",
        TITLE,
        status_code=status_code,
        org=org,
        roles=await role_options(page),
        establishments=org.establishment_options(),
        values=values or {},
        errors=problem.errors if problem else {},
        problem=problem,
        notice=notice_of(page),
    )


@router.get("")
async def delegation_form(page: PageDep) -> Response:
    org = await managed_organisation(page)
    if org is None:
        return not_a_manager(page)
    return await _form(page, org)


@router.post("")
async def delegate(page: PageDep) -> Response:
    org = await managed_organisation(page)
    if org is None:
        return not_a_manager(page)
    await page.form()
    values = {name: page.field(name) for name in FIELDS}
    errors = grant_errors(values["role"], values["siret"], values["end_date"], org, end_required=True)
    if "@" not in values["email"]:
        errors["email"] = "Saisissez l’adresse e-mail de la personne, au format nom@domaine.fr."
    if errors:
        problem = Problem(status=422, code="validation_error", detail="Vérifiez les champs signalés.", errors=errors)
        return await _form(page, org, values, problem, 422)
    body = {"service": SERVICE, **values}
    try:
        await page.api("POST", f"/api/v1/organisations/{org.siren}/delegations", json=body)
    except GatewayError as refused:
        problem = refused.problem
        if not problem.errors and problem.status in (404, 409):
            # No account with this address (404), or already habilitated (409): said next to the e-mail.
            problem = Problem(problem.status, problem.code, problem.detail, {"email": problem.detail})
        return await _form(page, org, values, problem, 422)
    return page.redirect(f"{BASE}/delegation{org.query(fait='delegation')}")
