"""The no-access page and the activation code (guide 000 §3.2 steps 15–17): SIRET and the code of
the posted letter, then the access manager's charter; accepting it makes the person manager."""

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from web.gateway import GatewayError
from web.page import PageDep
from web.pages.access.common import field_errors
from web.pages.legal import text_blocks

router = APIRouter()
# Ids go into the gateway's path: nothing but an id's characters.
ActivationId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
NO_ACCESS = "Vous n’avez pas accès au service numérique CERES"
ACTIVATION_TITLE = "Saisir le code d’activation"
CHARTER_TITLE = "Charte du responsable des accès"
ACCEPT_LABEL = "J’accepte de devenir responsable des accès."


@router.get("/acces")
async def no_access(page: PageDep) -> Response:
    me = await page.me()
    return page.render(
        "pages/access/no_access.html.j2",
        NO_ACCESS,
        is_manager=bool(me.get("manager_of")),
        has_access=bool(me.get("habilitations")),
    )


@router.get("/acces/activation")
async def activation_form(page: PageDep) -> Response:
    await page.me()
    return page.render("pages/access/activation.html.j2", ACTIVATION_TITLE, errors={}, values={})


@router.post("/acces/activation")
async def activate(page: PageDep) -> Response:
    await page.me()
    await page.form()
    values = {"siret": page.field("siret"), "activation_code": page.field("activation_code")}
    body = {"siret": "".join(values["siret"].split()), "activation_code": values["activation_code"]}
    try:
        started = await page.api("POST", "/api/v1/activations", json=body)
    except GatewayError as refused:
        problem = refused.problem
        return page.render(
            "pages/access/activation.html.j2",
            ACTIVATION_TITLE,
            status_code=problem.status if problem.status in (403, 409, 410, 429) else 422,
            problem=problem,
            errors=field_errors(problem, "activation_code"),
            values=values,
        )
    activation_id = str(started["activation_id"])
    # The letter's SIRET: the establishment the new manager most likely gives themself access to.
    page.session.remember(activation_id=activation_id, activated_siret=body["siret"])
    return page.redirect(f"/acces/activation/{activation_id}/charte")


async def _charter_page(page: PageDep, activation_id: str, status_code: int = 200, **context: object) -> Response:
    # The charter in force is the one the activation showed (the same text, `GET /api/v1/charter`).
    charter = await page.api("GET", "/api/v1/charter")
    context.setdefault("errors", {})
    return page.render(
        "pages/access/charter.html.j2",
        CHARTER_TITLE,
        status_code=status_code,
        activation_id=activation_id,
        blocks=text_blocks(charter["text"]),
        accept_label=ACCEPT_LABEL,
        **context,
    )


@router.get("/acces/activation/{activation_id}/charte")
async def charter_form(activation_id: ActivationId, page: PageDep) -> Response:
    await page.me()
    return await _charter_page(page, activation_id)


@router.post("/acces/activation/{activation_id}/charte")
async def accept_charter(activation_id: ActivationId, page: PageDep) -> Response:
    await page.me()
    await page.form()
    if page.field("accept") != "oui":
        errors = {"accept": "Pour devenir responsable des accès, cochez la case après avoir lu la charte."}
        return await _charter_page(page, activation_id, status_code=422, errors=errors)
    try:
        await page.api("POST", f"/api/v1/activations/{activation_id}/accept-charter", json={"accept": True})
    except GatewayError as refused:
        problem = refused.problem
        return await _charter_page(page, activation_id, status_code=400, problem=problem, errors=problem.errors)
    page.session.remember(activation_id=None)
    return page.redirect("/acces/habilitation")
