"""After login (guide 000 §3.1, §6): « Votre connexion est établie » and the profile panel."""

from fastapi import APIRouter
from starlette.responses import Response

from web.page import PageDep

router = APIRouter()


@router.get("/accueil")
async def home(page: PageDep) -> Response:
    me = await page.me()
    pending = int(me.get("pending_access_requests_to_review") or 0)
    return page.render(
        "pages/home.html.j2",
        "Accueil",
        pending=pending,
        is_manager=bool(me.get("manager_of")),
        is_agent=me.get("kind") == "agent",
        has_access=bool(me.get("habilitations")),
    )
