"""« Double authentification » at login (the password's second step) and for a step-up: a TOTP
code, a passkey (static/second-factor.js) or a recovery code; then on to `suite`, a path of this site.

Proving it opens a new gateway session (new cookie and CSRF token): the web session is rotated
too, keeping when it began (a step-up is not a new login for `max_age`)."""

import hmac
import json
from typing import Any

from fastapi import APIRouter
from starlette.responses import JSONResponse, Response

from web.gateway import GatewayError, LoginRequired, Problem, SecondFactorNeeded, gateway_cookie_of
from web.page import PageDep, login_location
from web.pages.second_factor.common import PENDING, PROVE, PROVE_REASONS, safe_suite
from web.pages.sign_in.authorize import resume_sign_in
from web.pages.sign_in.request import RESUME
from web.sessions import rotated

router = APIRouter(prefix=PROVE)
TITLE = "Double authentification"
TEMPLATE = "pages/second_factor/prove.html.j2"
# The form's field for each method: a refusal goes next to the field that was used.
FIELDS = {"totp": "code", "recovery_code": "recovery_code", "passkey": "passkey"}
PASSKEY_FAILED = "La clé d’accès n’a pas pu être utilisée. Réessayez, ou utilisez un code."
LOGIN_AGAIN = "Votre connexion a expiré ou a été fermée : reconnectez-vous, s’il vous plaît."


async def _status(page: PageDep) -> dict[str, Any] | None:
    """On an active session (step-up), which factors the person has: only those are offered. A
    pending session opens nothing else, so the page then offers all three."""
    if page.session.flow.get(PENDING):
        return None
    await page.me()
    return dict(await page.api("GET", "/api/v1/me/second-factor"))


async def _page(page: PageDep, suite: str, status_code: int = 200, **context: Any) -> Response:
    context.setdefault("errors", {})
    context.setdefault("values", {})
    status = await _status(page)
    return page.render(
        TEMPLATE,
        TITLE,
        status_code=status_code,
        suite=suite,
        pending=status is None,
        totp=status is None or bool(status.get("totp")),
        passkeys=status is None or bool(status.get("passkeys")),
        recovery=status is None or int(status.get("recovery_codes_left") or 0) > 0,
        reason=PROVE_REASONS.get(page.request.query_params.get("motif", ""), ""),
        **context,
    )


@router.get("")
async def prove_form(page: PageDep) -> Response:
    suite = safe_suite(page.request.query_params.get("suite"))
    if not page.session.logged_in:
        return page.redirect(login_location(suite))
    return await _page(page, suite)


@router.post("")
async def prove(page: PageDep) -> Response:
    await page.form()
    suite = safe_suite(page.field("suite"))
    if not page.session.logged_in:
        return page.redirect(login_location(suite))
    method = page.field("method")
    if method not in FIELDS:
        method = "totp"
    name = FIELDS[method]
    body: dict[str, Any] = {"method": method}
    if method == "passkey":
        try:
            body["credential"] = json.loads(page.field("credential"))
        except ValueError:
            return await _refused(page, suite, name, PASSKEY_FAILED)
    else:
        body["code"] = "".join(page.field(name).split())
        if not body["code"]:
            return await _refused(page, suite, name, "Saisissez le code.")
    try:
        answer = await page.gateway.call(page.caller, "POST", "/api/v1/session/second-factor", json=body)
    except LoginRequired:
        # The pending session ended (5 minutes, or too many wrong codes): the password again.
        page.session.remember(**{PENDING: None, "login_notice": LOGIN_AGAIN})
        return page.redirect(login_location(suite))
    except GatewayError as refused:
        problem = refused.problem
        if problem.code == "too_many_attempts" and page.session.flow.get(PENDING):
            page.session.gateway_cookie = page.session.gateway_csrf = None
            page.session.remember(**{PENDING: None, "login_notice": problem.detail})
            return page.redirect(login_location(suite))
        return await _refused(page, suite, name, problem.errors.get(name) or problem.detail, problem)
    _replace_session(page, gateway_cookie_of(answer), answer.json())
    return await resume_sign_in(page) if suite == RESUME else page.redirect(suite)


async def _refused(page: PageDep, suite: str, name: str, message: str, problem: Problem | None = None) -> Response:
    status = 429 if problem is not None and problem.status == 429 else 422
    return await _page(page, suite, status, errors={name: message}, problem=problem if status == 429 else None)


def _replace_session(page: PageDep, cookie: tuple[str, str] | None, opened: dict[str, Any]) -> None:
    """The gateway's new session in a new web session, which keeps when the login began."""
    old = page.session
    fresh = rotated(old, old.created_at, old.expires_at - old.created_at)
    fresh.keep_gateway_cookie(cookie or (old.gateway_cookie_name, old.gateway_cookie))
    fresh.gateway_csrf = str(opened.get("csrf_token") or old.gateway_csrf)
    fresh.flow.pop(PENDING, None)
    page.request.state.web_session = page.session = fresh


@router.post("/options")
async def passkey_options(page: PageDep) -> Response:
    """The passkey's request options (JSON, for the script): the challenge is kept on the gateway session."""
    refused = check_script_token(page)
    if refused is not None:
        return refused
    if not page.session.logged_in:
        return JSONResponse({"detail": LOGIN_AGAIN, "location": login_location(PROVE)}, status_code=401)
    try:
        answer = await page.api("POST", "/api/v1/session/second-factor/challenge", json={})
    except LoginRequired:
        return JSONResponse({"detail": LOGIN_AGAIN, "location": login_location(PROVE)}, status_code=401)
    except (GatewayError, SecondFactorNeeded) as refused_call:
        return JSONResponse({"detail": refused_call.problem.detail}, status_code=400)
    return JSONResponse({"options": options_of(answer)})


def check_script_token(page: PageDep) -> Response | None:
    """The script's calls repeat this session's CSRF token (read from the page's form) in a header."""
    given = page.request.headers.get("x-csrf-token", "")
    if not hmac.compare_digest(given.encode(), page.session.csrf_token.encode()):
        return JSONResponse({"detail": "Ce formulaire a expiré. Rechargez la page."}, status_code=403)
    return None


def options_of(answer: Any) -> Any:
    """WebAuthn options as a JSON object, whether the gateway sends the object or its JSON text."""
    options = answer.get("options") if isinstance(answer, dict) else None
    return json.loads(options) if isinstance(options, str) else options
