"""Adding a factor from « Mon compte »: an authenticator application (TOTP: a QR code made here
with segno from the otpauth URI, the secret in text, a code to confirm) or a passkey (WebAuthn,
static/second-factor.js). The first factor brings ten recovery codes, shown once.

The pending TOTP secret waits in the web session (server side) between its page and the code
that confirms it, so a wrong code or a reload shows the same QR code again."""

import json
from dataclasses import replace

import segno
from fastapi import APIRouter
from markupsafe import Markup
from starlette.responses import JSONResponse, Response

from web.gateway import GatewayError, LoginRequired, Problem, SecondFactorNeeded
from web.page import PageDep, login_location
from web.pages.second_factor.common import SETTINGS, come_back_to, prove_location
from web.pages.second_factor.prove import check_script_token, options_of
from web.pages.second_factor.settings import keep_recovery_codes, render_settings

router = APIRouter(prefix=SETTINGS)
TOTP_TITLE = "Configurer une application d’authentification"
TOTP_TEMPLATE = "pages/second_factor/totp.html.j2"
SECRET, URI = "totp_secret", "totp_uri"
FIX = "Veuillez corriger le champ signalé."
PASSKEY_FAILED = "La clé d’accès n’a pas pu être créée. Réessayez."


def qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG (no style attribute: the CSP allows none)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, omitsize=False)
    return Markup(svg)  # noqa: S704 (segno's own markup, from a URI the gateway made)


def grouped(secret: str) -> str:
    """« ABCD EFGH … »: easier to copy by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@router.post("/application")
async def start_totp(page: PageDep) -> Response:
    """« Configurer une application d’authentification »: a new secret, pending until confirmed."""
    await page.form()
    come_back_to(page.request, SETTINGS)
    started = await page.api("POST", "/api/v1/me/second-factor/totp", json={})
    page.session.remember(**{SECRET: str(started["secret"]), URI: str(started["otpauth_uri"])})
    return page.redirect(f"{SETTINGS}/application")


async def _totp_page(page: PageDep, status_code: int = 200, problem: Problem | None = None) -> Response:
    await page.me()
    secret, uri = page.session.flow.get(SECRET), page.session.flow.get(URI)
    if not secret or not uri or not uri.startswith("otpauth://totp/"):
        return page.redirect(SETTINGS)
    return page.render(
        TOTP_TEMPLATE,
        TOTP_TITLE,
        status_code=status_code,
        qr=qr_svg(uri),
        secret=grouped(secret),
        problem=problem,
        errors=problem.errors if problem else {},
        values={},
    )


@router.get("/application")
async def totp_page(page: PageDep) -> Response:
    return await _totp_page(page)


@router.post("/application/confirmer")
async def confirm_totp(page: PageDep) -> Response:
    await page.form()
    code = "".join(page.field("code").split())
    if not code:
        return await _totp_page(page, 422, Problem(422, "validation_error", FIX, {"code": "Saisissez le code."}))
    try:
        answer = await page.api("POST", "/api/v1/me/second-factor/totp/confirm", json={"code": code})
    except GatewayError as refused:
        problem = refused.problem
        errors = {"code": problem.errors.get("code") or problem.detail}
        return await _totp_page(page, 429 if problem.status == 429 else 422, replace(problem, errors=errors))
    page.session.remember(**{SECRET: None, URI: None})
    keep_recovery_codes(page, answer)
    return page.redirect(f"{SETTINGS}?fait=application")


@router.post("/cles/options")
async def passkey_options(page: PageDep) -> Response:
    """The passkey's creation options (JSON, for the script)."""
    refused = check_script_token(page)
    if refused is not None:
        return refused
    try:
        answer = await page.api("POST", "/api/v1/me/second-factor/passkeys/options", json={})
    except LoginRequired:
        return JSONResponse({"location": login_location(SETTINGS)}, status_code=401)
    except SecondFactorNeeded as needed:
        # Adding a second factor needs a fresh one: the script goes to prove it, then back here.
        return JSONResponse({"detail": needed.problem.detail, "location": prove_location(SETTINGS, "action")}, 403)
    except GatewayError as refused_call:
        return JSONResponse({"detail": refused_call.problem.detail}, status_code=400)
    return JSONResponse({"options": options_of(answer)})


@router.post("/cles")
async def add_passkey(page: PageDep) -> Response:
    """« Ajouter une clé d’accès »: the browser's new credential (filled in by the script) and its name."""
    await page.form()
    name = page.field("name")
    values = {"name": name}
    if not 1 <= len(name) <= 64:
        errors = {"name": "Donnez un nom à cette clé d’accès (64 caractères au plus)."}
        return await render_settings(page, 422, Problem(422, "validation_error", FIX, errors), values)
    try:
        credential = json.loads(page.field("credential"))
    except ValueError:
        return await render_settings(
            page, 422, Problem(422, "validation_error", FIX, {"passkey": PASSKEY_FAILED}), values
        )
    try:
        answer = await page.api(
            "POST", "/api/v1/me/second-factor/passkeys", json={"name": name, "credential": credential}
        )
    except GatewayError as refused:
        problem = refused.problem
        errors = {"name": problem.errors["name"]} if "name" in problem.errors else {"passkey": problem.detail}
        return await render_settings(page, 422, replace(problem, errors=errors), values)
    keep_recovery_codes(page, answer)
    return page.redirect(f"{SETTINGS}?fait=cle")
