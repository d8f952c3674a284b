"""The access request (guide 000 §4 steps 5–9): the person picks an establishment of their
organisation and may add a message; « Mes demandes » follows it up (state, « Relancer ma demande »
30 days after the last send, cancel)."""

from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path
from starlette.responses import Response

from web.gateway import GatewayError, Problem, items_of
from web.page import PageDep
from web.pages.access.common import SERVICE, establishment_text, establishments_of, field_errors

router = APIRouter()
RequestId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
REQUEST_TITLE = "Demander l’accès à CERES"
MINE_TITLE = "Mes demandes d’accès"
PARIS = ZoneInfo("Europe/Paris")
STATES = {
    "pending": ("En attente", "fr-badge--new"),
    "accepted": ("Validée", "fr-badge--success"),
    "refused": ("Refusée", "fr-badge--error"),
    "cancelled": ("Annulée", ""),
}


def _matching(establishments: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """The establishments whose SIRET, name, raison sociale or city contain the search."""
    wanted = query.casefold().replace(" ", "")
    if not wanted:
        return establishments
    return [
        e
        for e in establishments
        if wanted in establishment_text(e).casefold().replace(" ", "")
        or wanted in str(e.get("organisation_name", "")).casefold().replace(" ", "")
    ]


async def _request_page(
    page: PageDep,
    status_code: int = 200,
    problem: Problem | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    me = await page.me()
    values = values or {}
    query = values.get("q", page.request.query_params.get("q", "").strip())[:100]
    establishments = await establishments_of(page, str(me.get("siren") or ""))
    found = _matching(establishments, query)
    if len(found) == 1 and not values.get("siret"):
        values = dict(values, siret=found[0]["siret"])
    return page.render(
        "pages/access/request.html.j2",
        REQUEST_TITLE,
        status_code=status_code,
        problem=problem,
        errors=errors or {},
        values=dict(values, q=query),
        found=[(e["siret"], establishment_text(e)) for e in found],
        total=len(establishments),
    )


@router.get("/acces/demande")
async def request_form(page: PageDep) -> Response:
    return await _request_page(page)


@router.post("/acces/demande")
async def request_access(page: PageDep) -> Response:
    await page.me()
    await page.form()
    values = {"siret": page.field("siret"), "message": page.field("message"), "q": page.field("q")}
    if not values["siret"]:
        return await _request_page(page, 422, errors={"siret": "Choisissez votre établissement."}, values=values)
    body = {"service": SERVICE, "siret": values["siret"]}
    if values["message"]:
        body["message"] = values["message"]
    try:
        await page.api("POST", "/api/v1/access-requests", json=body)
    except GatewayError as refused:
        problem = refused.problem
        errors = field_errors(problem, "siret")
        return await _request_page(page, 422 if errors else 400, problem, errors, values)
    return page.redirect("/mes-demandes?envoyee=1")


def _moment(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _view(request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """One request as the page shows it: French state, dates JJ/MM/AAAA and Paris time."""
    sent = _moment(request.get("last_sent_at"))
    resendable = _moment(request.get("resendable_at"))
    label, badge = STATES.get(str(request.get("status")), (str(request.get("status")), ""))
    return dict(
        request,
        state_label=label,
        badge=badge,
        pending=request.get("status") == "pending",
        sent_on=sent.astimezone(PARIS).strftime("%d/%m/%Y") if sent else "",
        sent_time=sent.astimezone(PARIS).strftime("%Hh%M") if sent else "",
        resendable_now=bool(resendable and resendable <= now),
        resendable_on=resendable.astimezone(PARIS).strftime("%d/%m/%Y") if resendable else "",
    )


def _refusal(problem: Problem) -> str:
    """What the gateway said; too early, the day and hour the request may be sent again."""
    when = _moment(problem.extra.get("resendable_at")) if problem.code == "too_early" else None
    if when is None:
        return problem.detail
    local = when.astimezone(PARIS)
    return (
        "Vous ne pouvez pas encore relancer cette demande. "
        f"Vous pourrez la relancer à partir du {local:%d/%m/%Y} à {local:%Hh%M}."
    )


async def _mine_page(page: PageDep, status_code: int = 200, refusal: str | None = None) -> Response:
    await page.me()
    answer = await page.api("GET", "/api/v1/me/access-requests")
    now = datetime.now(UTC)
    mine = sorted(items_of(answer), key=lambda r: str(r.get("created_at", "")), reverse=True)
    notice = page.request.query_params.get("envoyee") or page.request.query_params.get("relancee")
    return page.render(
        "pages/access/mine.html.j2",
        MINE_TITLE,
        status_code=status_code,
        refusal=refusal,
        requests=[_view(r, now) for r in mine],
        sent_notice=bool(notice),
        cancelled_notice=bool(page.request.query_params.get("annulee")),
    )


@router.get("/mes-demandes")
async def my_requests(page: PageDep) -> Response:
    return await _mine_page(page)


@router.post("/mes-demandes/{request_id}/relancer")
async def resend(request_id: RequestId, page: PageDep) -> Response:
    await page.me()
    await page.form()
    try:
        await page.api("POST", f"/api/v1/access-requests/{request_id}/resend")
    except GatewayError as refused:
        # 409 too_early: the detail says from which day the request may be sent again.
        return await _mine_page(page, 409 if refused.problem.status == 409 else 400, _refusal(refused.problem))
    return page.redirect("/mes-demandes?relancee=1")


@router.post("/mes-demandes/{request_id}/annuler")
async def cancel(request_id: RequestId, page: PageDep) -> Response:
    await page.me()
    await page.form()
    try:
        await page.api("POST", f"/api/v1/access-requests/{request_id}/cancel")
    except GatewayError as refused:
        return await _mine_page(page, 409 if refused.problem.status == 409 else 400, _refusal(refused.problem))
    return page.redirect("/mes-demandes?annulee=1")
