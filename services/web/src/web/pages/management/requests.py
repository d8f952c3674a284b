"""« Demandes d’accès » (guide 000 §6.1): the pending requests, then one request (the managers'
e-mail links here) validated with as many habilitations as needed, or refused with a reason."""

import json
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError, Problem, items_of
from web.page import Page, PageDep
from web.pages.management.common import (
    BASE,
    Organisation,
    RequestId,
    count_of,
    grant_errors,
    managed_organisation,
    not_a_manager,
    notice_of,
    role_options,
)

router = APIRouter(prefix=f"{BASE}/demandes")
TITLE = "Demande d’accès"


@router.get("")
async def requests_list(page: PageDep) -> Response:
    org = await managed_organisation(page)
    if org is None:
        return not_a_manager(page)
    params = {"status": "pending", "limit": "100"}
    answer = await page.api("GET", f"/api/v1/organisations/{org.siren}/access-requests", params=params)
    pending = items_of(answer)
    return page.render(
        "pages/management/requests.html.j2",
        "Gestion des accès – Demandes d’accès",
        org=org,
        requests=pending,
        pending=count_of(answer),
        notice=notice_of(page),
    )


def _key(request_id: str) -> str:
    return f"grants:{request_id}"


def grants_of(page: Page, request_id: str) -> list[dict[str, str]]:
    """The habilitations added so far to this request, kept in the web session until « Terminer »."""
    try:
        grants = json.loads(page.session.flow.get(_key(request_id), "[]"))
    except ValueError:
        return []
    return [g for g in grants if isinstance(g, dict)]


def _keep(page: Page, request_id: str, grants: list[dict[str, str]]) -> None:
    page.session.remember(**{_key(request_id): json.dumps(grants) if grants else None})


async def _request_and_org(page: Page, request_id: str) -> tuple[dict[str, Any], Organisation | None]:
    access_request = dict(await page.api("GET", f"/api/v1/access-requests/{request_id}"))
    return access_request, await managed_organisation(page, str(access_request.get("siren") or ""))


async def render_request(
    page: Page,
    access_request: dict[str, Any],
    org: Organisation,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    problem: Problem | None = None,
    status_code: int = 200,
) -> Response:
    request_id = str(access_request["id"])
    return page.render(
        "pages/management/request.html.j2",
        TITLE,
        status_code=status_code,
        org=org,
        access_request=access_request,
        grants=grants_of(page, request_id),
        roles=(roles := await role_options(page)),
        role_labels=dict(roles),
        establishments=org.establishment_options(),
        values={"siret": str(access_request.get("siret") or ""), **(values or {})},
        errors=errors or {},
        problem=problem,
    )


def _invalid(errors: dict[str, str]) -> Problem:
    return Problem(status=422, code="validation_error", detail="Vérifiez les champs signalés.", errors=errors)


@router.get("/{request_id}")
async def request_page(request_id: RequestId, page: PageDep) -> Response:
    access_request, org = await _request_and_org(page, request_id)
    if org is None:
        return not_a_manager(page)
    return await render_request(page, access_request, org)


@router.post("/{request_id}")
async def add_or_finish(request_id: RequestId, page: PageDep) -> Response:
    """« Ajouter l’habilitation » (to the list), « Terminer » (the list, with the fields if filled, is
    granted) or « Annuler »."""
    access_request, org = await _request_and_org(page, request_id)
    if org is None:
        return not_a_manager(page)
    await page.form()
    if access_request.get("status") != "pending":
        return page.redirect(f"{BASE}/demandes/{request_id}")
    if page.field("action") == "annuler":
        # « Annuler »: the habilitations added so far are forgotten, the request stays pending.
        _keep(page, request_id, [])
        return page.redirect(f"{BASE}/demandes{org.query()}")
    values = {name: page.field(name) for name in ("siret", "role", "end_date")}
    finishing = page.field("action") == "terminer"
    grants = grants_of(page, request_id)
    # « Terminer » with a role chosen adds it first; with the fields left empty it grants the list.
    if not finishing or values["role"] or values["end_date"]:
        errors = grant_errors(values["role"], values["siret"], values["end_date"], org)
        if errors:
            return await render_request(page, access_request, org, values, errors, _invalid(errors), 422)
        grant = {"role": values["role"], "siret": values["siret"], "end_date": values["end_date"]}
        if grant not in grants:
            grants.append(grant)
        _keep(page, request_id, grants)
    if not finishing:
        return page.redirect(f"{BASE}/demandes/{request_id}")
    if not grants:
        errors = {"role": "Ajoutez au moins une habilitation avant de terminer."}
        return await render_request(page, access_request, org, values, errors, _invalid(errors), 422)
    body = {"habilitations": [{**g, "end_date": g["end_date"] or None} for g in grants]}
    try:
        await page.api("POST", f"/api/v1/access-requests/{request_id}/accept", json=body)
    except GatewayError as refused:
        problem = refused.problem
        return await render_request(page, access_request, org, values, problem.errors, problem, 422)
    _keep(page, request_id, [])
    return page.redirect(f"{BASE}/demandes{org.query(fait='demande-validee')}")


@router.post("/{request_id}/habilitations/retirer")
async def remove_grant(request_id: RequestId, page: PageDep) -> Response:
    """One habilitation taken off the list before « Terminer »."""
    await page.form()
    grants = grants_of(page, request_id)
    index = page.field("index")
    if index.isdigit() and int(index) < len(grants):
        del grants[int(index)]
        _keep(page, request_id, grants)
    return page.redirect(f"{BASE}/demandes/{request_id}")


@router.post("/{request_id}/refuser")
async def refuse(request_id: RequestId, page: PageDep) -> Response:
    access_request, org = await _request_and_org(page, request_id)
    if org is None:
        return not_a_manager(page)
    await page.form()
    reason = page.field("reason")
    try:
        await page.api("POST", f"/api/v1/access-requests/{request_id}/refuse", json={"reason": reason or None})
    except GatewayError as refused:
        problem = refused.problem
        return await render_request(page, access_request, org, {"reason": reason}, problem.errors, problem, 422)
    _keep(page, request_id, [])
    return page.redirect(f"{BASE}/demandes{org.query(fait='demande-refusee')}")
