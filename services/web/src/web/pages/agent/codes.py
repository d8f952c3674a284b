"""« Codes d’activation » (guide 000 §3.2 step 13, 001 A): an agent issues the code of a SIRET
(shown once, with its letter « Modalités d’accès à l’applicatif CERES » to download once), lists a
SIRET's codes and revokes one still valid. Only agents; the gateway checks it again."""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from web.gateway import GatewayError, Problem, items_of
from web.page import PageDep
from web.pages.second_factor.common import come_back_to

router = APIRouter(prefix="/agent/codes-activation")
CodeId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
TITLE = "Codes d’activation"
SERVICE = "ceres"
STATES = {
    "issued": ("Valable", "fr-badge--success"),
    "redeemed": ("Utilisé", "fr-badge--info"),
    "revoked": ("Révoqué", "fr-badge--error"),
    "expired": ("Expiré", ""),
}
SIRET = re.compile(r"^\d{14}$")
CODE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _siret(value: str) -> str:
    return "".join(value.split())


async def _agent(page: PageDep) -> Response | None:
    """A French « accès refusé » page for anyone but an agent."""
    me = await page.me()
    if me.get("kind") == "agent":
        return None
    return page.render(
        "pages/error.html.j2",
        "Accès réservé aux agents du ministère",
        status_code=403,
        message="Cette page est réservée aux agents du ministère. Connectez-vous avec votre compte d’agent.",
        retry=False,
    )


def _code_view(code: dict[str, Any]) -> dict[str, Any]:
    label, badge = STATES.get(str(code.get("state")), (str(code.get("state")), ""))
    return dict(code, state_label=label, badge=badge)


async def _codes_page(
    page: PageDep,
    siret: str,
    status_code: int = 200,
    problem: Problem | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    codes: list[dict[str, Any]] = []
    errors = dict(errors or {})
    if siret and SIRET.match(siret):
        try:
            codes = items_of(await page.api("GET", "/api/v1/agent/activation-codes", params={"siret": siret}))
        except GatewayError as refused:
            errors.setdefault("lookup", refused.problem.errors.get("siret") or refused.problem.detail)
    elif siret:
        errors.setdefault("lookup", "Le SIRET doit comporter 14 chiffres.")
    # The code in clear is shown once, right after it was issued, then forgotten.
    issued = None
    if page.session.flow.get("issued_code_id"):
        issued = {key: page.session.flow.get(f"issued_{key}", "") for key in ("code_id", "code", "siret", "expires_at")}
        page.session.remember(issued_code_id=None, issued_code=None, issued_siret=None, issued_expires_at=None)
    # Back from confirming their identity for a letter (`?courrier=`): offered again.
    letter = page.request.query_params.get("courrier", "")
    return page.render(
        "pages/agent/codes.html.j2",
        TITLE,
        status_code=status_code,
        problem=problem,
        errors=errors,
        values={"lookup": siret, **(values or {})},
        codes=[_code_view(c) for c in codes],
        issued=issued,
        revoked=bool(page.request.query_params.get("revoque")),
        letter=letter if CODE_ID.match(letter) else "",
    )


@router.get("")
async def codes_page(page: PageDep) -> Response:
    refused = await _agent(page)
    if refused:
        return refused
    return await _codes_page(page, _siret(page.request.query_params.get("siret", ""))[:20])


@router.post("")
async def issue(page: PageDep) -> Response:
    refused = await _agent(page)
    if refused:
        return refused
    await page.form()
    siret = _siret(page.field("siret"))
    if not SIRET.match(siret):
        errors = {"siret": "Le SIRET doit comporter 14 chiffres."}
        return await _codes_page(page, "", 422, errors=errors, values={"siret": siret})
    try:
        issued = await page.api("POST", "/api/v1/agent/activation-codes", json={"siret": siret, "service": SERVICE})
    except GatewayError as refused_call:
        problem = refused_call.problem
        errors = problem.errors or ({"siret": problem.detail} if problem.status in (404, 422) else {})
        return await _codes_page(page, "", 422 if errors else 400, problem, errors, {"siret": siret})
    page.session.remember(
        issued_code_id=str(issued["id"]),
        issued_code=str(issued["code"]),
        issued_siret=str(issued["siret"]),
        issued_expires_at=str(issued.get("expires_at") or ""),
    )
    return page.redirect(f"/agent/codes-activation?siret={siret}")


@router.post("/{code_id}/revoquer")
async def revoke(code_id: CodeId, page: PageDep) -> Response:
    refused = await _agent(page)
    if refused:
        return refused
    await page.form()
    siret = _siret(page.field("siret"))
    siret = siret if SIRET.match(siret) else ""
    try:
        await page.api("POST", f"/api/v1/agent/activation-codes/{code_id}/revoke", json={})
    except GatewayError as refused_call:
        return await _codes_page(page, siret, 409 if refused_call.problem.status == 409 else 400, refused_call.problem)
    return page.redirect(f"/agent/codes-activation?siret={siret}&revoque=1")


@router.get("/{code_id}/courrier")
async def letter(code_id: CodeId, page: PageDep) -> Response:
    """The PDF letter, streamed from the gateway (one download, within 10 minutes of the issue)."""
    refused = await _agent(page)
    if refused:
        return refused
    # Asked to confirm their identity first, the agent comes back to a page offering the letter
    # again (not to the file itself, which would leave them on the confirmation page).
    come_back_to(page.request, f"/agent/codes-activation?courrier={code_id}")
    answer = await page.gateway.call(page.caller, "GET", f"/api/v1/agent/activation-codes/{code_id}/letter")
    given = re.search(r'filename="([\w.-]+)"', answer.headers.get("content-disposition", ""))
    filename = given.group(1) if given else f"courrier-code-activation-{code_id}.pdf"
    return Response(
        answer.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
