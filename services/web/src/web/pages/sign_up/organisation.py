"""Step 5: poste occupé, the search of the organisation (raison sociale or SIREN) and its choice, the
summary of the identity with « Modifier », the CGU; then « Votre compte EFP Connect est créé »."""

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError, Problem, items_of
from web.page import PageDep
from web.pages.sign_up.flow import (
    RegistrationId,
    ahead,
    forget,
    interrupted,
    remember,
    step_context,
    step_path,
    title_of,
)

router = APIRouter(prefix="/inscription")
TERMS_SERVICE = "ceres"  # the only CGU text the platform holds (`/cgu/ceres`)
NO_CHOICE = "Sélectionnez votre entreprise dans la liste des résultats."
NO_SEARCH = "Recherchez votre entreprise par sa raison sociale ou son numéro SIREN, puis sélectionnez-la."
NO_TERMS = "Vous devez accepter les conditions générales d’utilisation pour créer votre compte."
# The gateway counts the organisations found up to this many, no further (a sharper search is needed).
COUNTED_UP_TO = 1000


async def _search(page: PageDep, query: str) -> tuple[list[dict[str, Any]] | None, int, Problem | None]:
    """The organisations found (None when nothing was searched) and how many match in all."""
    if not query:
        return None, 0, None
    try:
        answer = await page.api("GET", "/api/v1/organisations", params={"q": query})
    except GatewayError as refused:
        return None, 0, refused.problem
    found = items_of(answer)
    total = answer.get("total") if isinstance(answer, dict) else None
    return found, int(total) if isinstance(total, int) else len(found), None


async def _organisation_page(
    page: PageDep, registration_id: str, values: dict[str, str], status_code: int = 200, **context: Any
) -> Response:
    found, total, search_problem = await _search(page, values.get("q", ""))
    errors: dict[str, str] = dict(context.pop("errors", {}))
    if search_problem:
        errors.setdefault("q", search_problem.errors.get("q") or search_problem.detail)
    if found is not None and len(found) == 1 and not values.get("siren"):
        values = {**values, "siren": str(found[0]["siren"])}  # a single answer is the one meant
    return page.render(
        "pages/sign_up/organisation.html.j2",
        title_of(5),
        status_code=status_code,
        values=values,
        errors=errors,
        found=found,
        found_total=f"{COUNTED_UP_TO:,} ou plus".replace(",", "\u202f") if total >= COUNTED_UP_TO else total,
        terms_service=TERMS_SERVICE,
        **step_context(page, registration_id, "organisation"),
        **context,
    )


@router.get("/{registration_id}/organisation")
async def organisation_form(registration_id: RegistrationId, page: PageDep) -> Response:
    values = {"q": page.request.query_params.get("q", "")[:100]}
    return ahead(page, registration_id, "organisation") or await _organisation_page(page, registration_id, values)


@router.post("/{registration_id}/organisation")
async def complete(registration_id: RegistrationId, page: PageDep) -> Response:
    await page.form()
    values = {name: page.field(name) for name in ("job_title", "q", "siren", "accept_terms")}
    if page.field("action") == "rechercher":
        return await _organisation_page(page, registration_id, {**values, "siren": ""})
    errors = {}
    if not values["siren"]:
        errors["siren" if values["q"] else "q"] = NO_CHOICE if values["q"] else NO_SEARCH
    if values["accept_terms"] != "oui":
        errors["accept_terms"] = NO_TERMS
    if errors:
        return await _organisation_page(page, registration_id, values, status_code=422, errors=errors)
    body = {"siren": values["siren"], "job_title": values["job_title"] or None, "accept_terms": True}
    try:
        await page.api("POST", f"/api/v1/registrations/{registration_id}/organisation", json=body)
    except GatewayError as refused:
        problem = refused.problem
        return interrupted(page, registration_id, problem, "organisation") or await _organisation_page(
            page, registration_id, values, status_code=422, problem=problem, errors=problem.errors
        )
    forget(page)
    return page.redirect("/inscription/compte-cree")


@router.post("/{registration_id}/modifier-identite")
async def back_to_identity(registration_id: RegistrationId, page: PageDep) -> Response:
    """« Modifier » beside the identity: the registration goes back to step 4, prefilled."""
    await page.form()
    try:
        await page.api("POST", f"/api/v1/registrations/{registration_id}/back", json={"step": "identity"})
    except GatewayError as refused:
        lost = interrupted(page, registration_id, refused.problem, "organisation")
        if lost:
            return lost
        raise
    remember(page, registration_id, etape="identity")
    return page.redirect(step_path(registration_id, "identity"))


@router.get("/compte-cree")
async def created(page: PageDep) -> Response:
    return page.render("pages/sign_up/created.html.j2", "Votre compte EFP Connect est créé")
