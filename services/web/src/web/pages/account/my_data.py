"""« Télécharger mes données »: what the file holds, and the file itself (`GET /api/v1/me/export`)."""

import re
from datetime import UTC, datetime

from fastapi import APIRouter
from starlette.responses import Response

from web.page import PageDep
from web.pages.second_factor.common import come_back_to

router = APIRouter(prefix="/mon-compte/mes-donnees")
PAGE = "/mon-compte/mes-donnees"


@router.get("")
async def my_data(page: PageDep) -> Response:
    await page.me()
    return page.render("pages/account/my_data.html.j2", "Télécharger mes données")


@router.get("/fichier")
async def download(page: PageDep) -> Response:
    """The gateway's file as it is, under its name (`efp-connect-mes-donnees-AAAA-MM-JJ.json`)."""
    await page.me()
    # Were a second factor asked first, the person comes back to the page, not to the file.
    come_back_to(page.request, PAGE)
    answer = await page.gateway.call(page.caller, "GET", "/api/v1/me/export")
    given = re.search(r'filename="([\w.-]+)"', answer.headers.get("content-disposition", ""))
    filename = given.group(1) if given else f"efp-connect-mes-donnees-{datetime.now(UTC).date().isoformat()}.json"
    return Response(
        answer.content,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
