"""Pages every State site has: accessibility statement, legal notice, personal data (what is kept, why, how long)."""

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from web.page import PageDep

router = APIRouter()


@router.get("/accessibilite")
async def accessibility(page: PageDep) -> Response:
    return page.render("pages/accessibility.html.j2", "Déclaration d’accessibilité")


@router.get("/mentions-legales")
async def legal_notice(page: PageDep) -> Response:
    return page.render("pages/legal_notice.html.j2", "Mentions légales")


@router.get("/donnees-personnelles")
async def personal_data(page: PageDep) -> Response:
    """Public: each kind of data, why, how long, who receives it (the retention of issue 15), and the rights."""
    return page.render("pages/personal_data.html.j2", "Données personnelles")


def text_blocks(text: str) -> list[tuple[str, str]]:
    """The CGU and charter texts (paragraphs, `**titles**`, `*notes*`) as blocks the template escapes."""
    blocks = []
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if paragraph.startswith("**") and paragraph.endswith("**"):
            blocks.append(("title", paragraph.strip("*")))
        elif paragraph.startswith("*") and paragraph.endswith("*"):
            blocks.append(("note", paragraph.strip("*")))
        elif paragraph:
            blocks.append(("text", paragraph.replace("**", "")))
    return blocks


@router.get("/cgu/{service}")
async def terms(service: Annotated[str, Path(pattern=r"^[a-z0-9-]{1,32}$")], page: PageDep) -> Response:
    """The CGU of a service, readable before they are accepted (sign-up, activation)."""
    terms = await page.api("GET", f"/api/v1/services/{service}/terms")
    return page.render("pages/text.html.j2", "Conditions générales d’utilisation", blocks=text_blocks(terms["text"]))
