"""« Double authentification » in « Mon compte »: which factors the account has, recovery codes
(shown once, right after they were made), removing a factor. Adding one is in `enrol.py`.

Removing a factor, regenerating the codes and adding a second factor need a fresh second factor:
the gateway says `step_up_required` and main.py sends the person to prove it, then back here."""

from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from web.gateway import Problem
from web.page import PageDep
from web.pages.second_factor.common import ENROL_REASONS, SETTINGS, come_back_to, safe_suite

router = APIRouter(prefix=SETTINGS)
TITLE = "Double authentification"
TEMPLATE = "pages/second_factor/settings.html.j2"
PasskeyId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,128}$")]
# Flow entries: the codes to show once, and where the person goes once enrolled (`?suite=`).
CODES = "recovery_codes"
SUITE = "second_factor_suite"
DONE = {
    "application": "L’application d’authentification est configurée.",
    "cle": "La clé d’accès est ajoutée.",
    "cle-supprimee": "La clé d’accès est supprimée.",
    "application-supprimee": "L’application d’authentification est supprimée.",
    "codes": "Vos nouveaux codes de secours sont prêts : les anciens ne fonctionnent plus.",
}


def keep_recovery_codes(page: PageDep, answer: Any) -> None:
    """New codes, if the gateway made some, for the next page to show once."""
    codes = [str(code) for code in (answer or {}).get("recovery_codes") or []]
    if codes:
        page.session.remember(**{CODES: "\n".join(codes)})


async def render_settings(
    page: PageDep, status_code: int = 200, problem: Problem | None = None, values: dict[str, str] | None = None
) -> Response:
    await page.me()
    status = dict(await page.api("GET", "/api/v1/me/second-factor"))
    query = page.request.query_params
    if query.get("suite"):
        page.session.remember(**{SUITE: safe_suite(query["suite"])})
    elif not query.get("fait") and page.request.method == "GET":
        page.session.remember(**{SUITE: None})
    codes = page.session.flow.get(CODES, "")
    if codes:
        page.session.remember(**{CODES: None})
    return page.render(
        TEMPLATE,
        TITLE,
        status_code=status_code,
        status=status,
        passkeys=list(status.get("passkeys") or []),
        recovery_codes=codes.split("\n") if codes else [],
        done=DONE.get(query.get("fait", ""), ""),
        reason=ENROL_REASONS.get(query.get("motif", ""), ""),
        suite=page.session.flow.get(SUITE, ""),
        problem=problem,
        errors=problem.errors if problem else {},
        values=values or {},
    )


@router.get("")
async def settings_page(page: PageDep) -> Response:
    return await render_settings(page)


@router.post("/codes-de-secours")
async def regenerate_recovery_codes(page: PageDep) -> Response:
    """« Générer de nouveaux codes de secours »: the old ones stop working."""
    await page.form()
    keep_recovery_codes(page, await page.api("POST", "/api/v1/me/second-factor/recovery-codes", json={}))
    return page.redirect(f"{SETTINGS}?fait=codes")


@router.post("/application/supprimer")
async def remove_totp(page: PageDep) -> Response:
    await page.form()
    come_back_to(page.request, SETTINGS)
    await page.api("DELETE", "/api/v1/me/second-factor/totp")
    return page.redirect(f"{SETTINGS}?fait=application-supprimee")


@router.post("/cles/{passkey_id}/supprimer")
async def remove_passkey(passkey_id: PasskeyId, page: PageDep) -> Response:
    await page.form()
    await page.api("DELETE", f"/api/v1/me/second-factor/passkeys/{passkey_id}")
    return page.redirect(f"{SETTINGS}?fait=cle-supprimee")
