"""Pages every State site has: accessibility statement, legal notice."""

from fastapi import APIRouter
from starlette.responses import Response

from web.page import PageDep

router = APIRouter()


@router.get("/accessibilite")
async def accessibility(page: PageDep) -> Response:
    return page.render("pages/accessibility.html.j2", "Déclaration d’accessibilité")


@router.get("/mentions-legales")
async def legal_notice(page: PageDep) -> Response:
    return page.render("pages/legal_notice.html.j2", "Mentions légales")
