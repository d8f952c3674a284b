"""Connexion (guide 000 §3.1): identifiant, mot de passe, code de sécurité; and the logout."""

from contextlib import suppress
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError, LoginRequired, gateway_cookie_of
from web.page import AFTER_LOGIN, PageDep
from web.pages.captcha import new_captcha
from web.pages.second_factor.common import PENDING, enrol_location, prove_location, safe_suite
from web.pages.sign_in.authorize import resume_sign_in
from web.pages.sign_in.request import RESUME
from web.sessions import rotated

router = APIRouter()
TITLE = "Connexion"
# The gateway's device cookie, relayed under the same name and lifetime.
DEVICE_COOKIE = "efp_device"
DEVICE_COOKIE_SECONDS = 365 * 24 * 3600


@router.get("/")
async def root(page: PageDep) -> Response:
    return page.redirect("/accueil" if page.session.logged_in else "/connexion")


async def _login_page(page: PageDep, agent: bool, status_code: int = 200, **context: object) -> Response:
    context.setdefault("errors", {})
    context.setdefault("values", {})
    # Why the person logs in again (their pending second step ended), said once.
    notice = page.session.flow.get("login_notice")
    if notice:
        page.session.remember(login_notice=None)
    return page.render(
        "pages/login.html.j2",
        "Connexion des agents du ministère" if agent else TITLE,
        status_code=status_code,
        captcha_id=await new_captcha(page),
        agent=agent,
        suite=page.request.query_params.get("suite", ""),
        login_notice=notice or "",
        **context,
    )


@router.get("/connexion")
async def login_form(page: PageDep) -> Response:
    return await _login_page(page, agent=False)


@router.get("/connexion/agent")
async def agent_login_form(page: PageDep) -> Response:
    """« AGENT DU MINISTÈRE »: the same login, for agents' accounts."""
    return await _login_page(page, agent=True)


@router.post("/connexion")
@router.post("/connexion/agent")
async def log_in(page: PageDep) -> Response:
    await page.form()
    agent = page.request.url.path.endswith("/agent")
    values = {"email": page.field("email")}
    suite = page.field("suite")
    if page.field("action") == "nouveau-code":
        return await _login_page(page, agent, values=values)
    body = {
        "email": page.field("email"),
        "password": page.field("password"),
        "captcha_id": page.field("captcha_id"),
        "captcha_answer": page.field("captcha_answer"),
    }
    device = page.request.cookies.get(DEVICE_COOKIE)
    try:
        answer = await page.gateway.call(
            page.caller, "POST", "/api/v1/session", json=body, cookies={DEVICE_COOKIE: device} if device else None
        )
    except GatewayError as refused:
        problem = refused.problem
        status = 429 if problem.status == 429 else 422 if problem.errors else 400
        return await _login_page(page, agent, status_code=status, problem=problem, errors=problem.errors, values=values)
    opened = answer.json()
    now = datetime.now(UTC)
    session = rotated(page.session, now, timedelta(seconds=page.settings.session_absolute_seconds))
    session.keep_gateway_cookie(gateway_cookie_of(answer))
    session.gateway_csrf = opened["csrf_token"]
    page.request.state.web_session = page.session = session
    after_login = session.flow.pop(AFTER_LOGIN, "")
    target = safe_suite(suite or after_login)
    response = await _after_password(page, target, bool(opened.get("second_factor_pending")))
    keep_device_cookie(page, response, answer.cookies.get(DEVICE_COOKIE))
    return response


async def _after_password(page: PageDep, target: str, pending: bool) -> Response:
    """An enrolled person gives their second factor next; one whose rights need it, and who has
    none, is asked to enrol; else a waiting sign-in goes on in this request (the code, or the
    no-access page) rather than through one more page and session write."""
    if pending:
        page.session.remember(**{PENDING: "1"})
        return page.redirect(prove_location(target))
    page.session.remember(**{PENDING: None})
    me = await page.me()
    if me.get("second_factor_required") and not me.get("second_factor_enrolled"):
        return page.redirect(enrol_location(target, "obligatoire"))
    return await resume_sign_in(page) if target == RESUME else page.redirect(target)


def keep_device_cookie(page: PageDep, response: Response, token: str | None) -> None:
    """The gateway's device cookie (OWASP), kept by the browser for the login pages only: this
    browser's owner gets through while failures elsewhere keep the address locked."""
    if token:
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            max_age=DEVICE_COOKIE_SECONDS,
            httponly=True,
            secure=page.settings.secure_cookies(),
            samesite="strict",
            path="/connexion",
        )


@router.post("/deconnexion")
async def log_out(page: PageDep) -> Response:
    await page.form()
    await end_session(page)
    return page.redirect("/connexion?deconnecte=1")


async def end_session(page: PageDep) -> None:
    """Logout here or asked by an application: the gateway's session ends (and with it every
    application's, told by back-channel), then ours, under a new token with an empty flow."""
    if page.session.logged_in:
        # Already ended at the gateway: closing ours is all that is left.
        with suppress(GatewayError, LoginRequired):
            await page.gateway.call(page.caller, "DELETE", "/api/v1/session")
    now = datetime.now(UTC)
    page.request.state.web_session = page.session = rotated(
        page.session, now, timedelta(seconds=page.settings.session_absolute_seconds)
    )
    page.session.flow.clear()
