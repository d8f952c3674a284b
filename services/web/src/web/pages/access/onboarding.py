"""After the charter (guide 000 §3.2 steps 18–24): the new access manager gives themself one or
more habilitations (« Gestion de mes accès »), then reads and accepts the CERES CGU."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError, Problem
from web.page import PageDep
from web.pages.access.common import SERVICE, establishment_text, establishments_of, field_errors, roles_of
from web.pages.legal import text_blocks
from web.pages.sign_in.request import RESUME, pending

router = APIRouter()
HABILITATION_TITLE = "Gestion de mes accès"
TERMS_TITLE = "Conditions générales d’utilisation de CERES"
TERMS_LABEL = "J’ai lu et j’accepte les CGU"


def _default_choice(page: PageDep, establishments: list[dict[str, Any]]) -> dict[str, str]:
    """The establishment of the activation code, else the only one."""
    sirets = [str(e["siret"]) for e in establishments]
    activated = page.session.flow.get("activated_siret", "")
    if activated in sirets:
        return {"siret": activated}
    return {"siret": sirets[0]} if len(sirets) == 1 else {}


async def _habilitation_page(
    page: PageDep,
    me: dict[str, Any],
    status_code: int = 200,
    problem: Problem | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    siren = str(me.get("siren") or (me.get("manager_of") or [""])[0])
    establishments = await establishments_of(page, siren)
    roles = await roles_of(page)
    names = {e["siret"]: establishment_text(e) for e in establishments}
    mine = [
        h for h in me.get("habilitations") or [] if h.get("service") == SERVICE and h.get("state", "active") == "active"
    ]
    return page.render(
        "pages/access/habilitation.html.j2",
        HABILITATION_TITLE,
        status_code=status_code,
        problem=problem,
        errors=errors or {},
        values=values or _default_choice(page, establishments),
        establishments=[(e["siret"], establishment_text(e)) for e in establishments],
        roles=[
            (r["role"], f"{r['label']} – {r['description']}" if r.get("description") else r["label"]) for r in roles
        ],
        habilitations=[dict(h, establishment=names.get(h.get("siret"), f"SIRET {h.get('siret')}")) for h in mine],
        today=datetime.now(UTC).date().isoformat(),
    )


@router.get("/acces/habilitation")
async def habilitation_form(page: PageDep) -> Response:
    me = await page.me()
    if not me.get("manager_of"):
        # Only an access manager gives themself habilitations: the others ask theirs.
        return page.redirect("/acces")
    return await _habilitation_page(page, me)


@router.post("/acces/habilitation")
async def add_habilitation(page: PageDep) -> Response:
    me = await page.me()
    await page.form()
    if not me.get("manager_of"):
        return page.redirect("/acces")
    values = {"siret": page.field("siret"), "role": page.field("role"), "end_date": page.field("end_date")}
    missing = {
        name: message
        for name, message in (
            ("siret", "Choisissez l’établissement."),
            ("role", "Choisissez votre rôle."),
        )
        if not values[name]
    }
    if missing:
        return await _habilitation_page(page, me, 422, errors=missing, values=values)
    body: dict[str, Any] = {"service": SERVICE, "role": values["role"], "siret": values["siret"]}
    if values["end_date"]:
        body["end_date"] = values["end_date"]
    try:
        await page.api("POST", "/api/v1/me/habilitations", json=body)
    except GatewayError as refused:
        problem = refused.problem
        status = 422 if problem.errors else 400
        return await _habilitation_page(page, me, status, problem, field_errors(problem, "role"), values)
    return page.redirect("/acces/habilitation?ajoutee=1")


async def _terms_page(page: PageDep, status_code: int = 200, **context: object) -> Response:
    terms = await page.api("GET", f"/api/v1/services/{SERVICE}/terms")
    context.setdefault("errors", {})
    return page.render(
        "pages/access/terms.html.j2",
        TERMS_TITLE,
        status_code=status_code,
        blocks=text_blocks(terms["text"]),
        accept_label=TERMS_LABEL,
        **context,
    )


@router.get("/acces/cgu")
async def terms_form(page: PageDep) -> Response:
    await page.me()
    return await _terms_page(page)


@router.post("/acces/cgu")
async def accept_terms(page: PageDep) -> Response:
    await page.me()
    await page.form()
    if page.field("accept") != "oui":
        return await _terms_page(page, 422, errors={"accept": "Cochez la case pour accepter les CGU."})
    try:
        await page.api("POST", f"/api/v1/services/{SERVICE}/terms", json={"accept": True})
    except GatewayError as refused:
        return await _terms_page(page, 400, problem=refused.problem, errors=refused.problem.errors)
    # Access now exists: a sign-in to an application that waited for it resumes.
    return page.redirect(RESUME if pending(page.session) else "/accueil")
