"""« Historique des messages » (guide 001 part B): the e-mails sent about the organisation,
newest first, a page at a time."""

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import items_of
from web.page import PageDep
from web.pages.management.common import BASE, managed_organisation, not_a_manager

router = APIRouter(prefix=f"{BASE}/messages")
STATES = {
    "queued": "En attente d’envoi",
    "sending": "En cours d’envoi",
    "retrying": "Nouvel essai prévu",
    "sent": "Envoyé",
    "abandoned": "Non distribué",
}


@router.get("")
async def messages_page(page: PageDep) -> Response:
    org = await managed_organisation(page)
    if org is None:
        return not_a_manager(page)
    params = {"limit": "20"}
    before = page.request.query_params.get("avant", "")
    if before:
        params["cursor"] = before[:2048]  # the gateway's next_cursor, opaque; it refuses a bad one (422)
    answer = await page.api("GET", f"/api/v1/organisations/{org.siren}/messages", params=params)
    return page.render(
        "pages/management/messages.html.j2",
        "Historique des messages",
        org=org,
        messages=items_of(answer),
        next_before=answer.get("next_cursor") if isinstance(answer, dict) else None,
        states=STATES,
    )
