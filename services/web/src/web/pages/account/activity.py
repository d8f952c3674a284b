"""« Mes habilitations » (the e-mails link here) and « Mes messages », the history of my e-mails."""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from web.gateway import items_of
from web.page import PageDep

router = APIRouter()
STATES = {"active": "Active", "revoked": "Retirée", "expired": "Expirée"}
MESSAGE_STATES = {
    "queued": "En attente d’envoi",
    "sending": "En cours d’envoi",
    "retrying": "Nouvel essai prévu",
    "sent": "Envoyé",
    "abandoned": "Non distribué",
}
# The gateway's `next_cursor` of the previous page goes back to it as a query parameter: an opaque
# token, only URL-safe characters.
Before = Annotated[str | None, Query(alias="avant", pattern=r"^[A-Za-z0-9_=.:+-]{1,2048}$")]


@router.get("/mes-habilitations")
async def my_habilitations(page: PageDep) -> Response:
    await page.me()
    habilitations: list[dict[str, Any]] = items_of(await page.api("GET", "/api/v1/me/habilitations"))
    return page.render(
        "pages/account/habilitations.html.j2",
        "Mes habilitations",
        active=[h for h in habilitations if h.get("state") == "active"],
        past=[h for h in habilitations if h.get("state") != "active"],
        states=STATES,
    )


@router.get("/mon-compte/messages")
async def my_messages(page: PageDep, before: Before = None) -> Response:
    await page.me()
    params = {"limit": 20, **({"cursor": before} if before else {})}
    answer = await page.api("GET", "/api/v1/me/messages", params=params)
    return page.render(
        "pages/account/messages.html.j2",
        "Mes messages",
        messages=items_of(answer),
        next_before=answer.get("next_cursor") if isinstance(answer, dict) else None,
        states=MESSAGE_STATES,
    )
