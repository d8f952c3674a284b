"""The authorization endpoint (OpenID Connect Core §3.1.2): who signs in to which application.

An unknown client or an unregistered redirect URI gets an error page, never a redirect (it would
be an open redirector). Every other refusal goes back to the client's redirect URI with `error`,
`state` and `iss`. A person not logged in logs in (or creates an account) and comes back; a person
without access to the client's service sees how to get it, then comes back.
"""

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError, LoginRequired, SecondFactorNeeded
from web.page import AFTER_LOGIN, PageDep, login_location
from web.pages.second_factor.common import enrol_location, prove_location
from web.pages.sign_in.request import RESUME, AuthorizationRequest, forget, now, pending

router = APIRouter()
ERROR_TITLE = "Connexion impossible"
PROMPTS = {"none", "login", "consent", "select_account"}


def _error_page(page: PageDep, message: str) -> Response:
    return page.render("pages/sign_in/error.html.j2", ERROR_TITLE, status_code=400, message=message)


def _back(page: PageDep, request: AuthorizationRequest, error: str, description: str) -> Response:
    forget(page.session)
    location = request.answer(page.settings.origin(), error=error, error_description=description)
    return page.redirect(location)


async def _parameters(page: PageDep) -> dict[str, str]:
    if page.request.method == "POST":
        form = await page.request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}
    return dict(page.request.query_params)


@router.get("/oidc/authorize")
@router.post("/oidc/authorize")
async def authorize(page: PageDep) -> Response:
    params = await _parameters(page)
    client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
    if not client_id or not redirect_uri:
        return _error_page(page, "La demande de connexion est incomplète : l’application n’est pas identifiée.")
    try:
        client = await page.api("GET", f"/api/v1/oidc/clients/{client_id}", params={"redirect_uri": redirect_uri})
    except GatewayError as refused:
        return _error_page(page, refused.problem.detail)
    request = AuthorizationRequest(
        client_id=client_id,
        client_name=str(client["name"]),
        redirect_uri=redirect_uri,
        scope=params.get("scope", ""),
        state=params.get("state"),
        nonce=params.get("nonce"),
        code_challenge=params.get("code_challenge", ""),
        code_challenge_method=params.get("code_challenge_method", ""),
        prompt=params.get("prompt", ""),
        max_age=None,
        requested_at=now(),
        acr_values=" ".join(params.get("acr_values", "").split())[:200],
    )
    refusal = _refusal(params)
    if refusal is not None:
        return _back(page, request, *refusal)
    if params.get("max_age"):
        request.max_age = int(params["max_age"])
    request.fresh_login = "login" in request.prompt.split()
    request.save(page.session)
    return await _resume(page, request)


def _refusal(params: dict[str, str]) -> tuple[str, str] | None:
    """What OAuth 2.0 and OIDC Core refuse before anyone logs in (error, description)."""
    if "request" in params or "request_uri" in params:
        return "request_not_supported", "Les paramètres request et request_uri ne sont pas acceptés."
    if params.get("response_type") != "code":
        return "unsupported_response_type", "Seul response_type=code est accepté."
    if "openid" not in params.get("scope", "").split():
        return "invalid_scope", "La portée « openid » est obligatoire."
    if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
        return "invalid_request", "PKCE est obligatoire, avec code_challenge_method=S256."
    if params.get("response_mode", "query") != "query":
        return "invalid_request", "Seul response_mode=query est accepté."
    prompts = set(params.get("prompt", "").split())
    if not prompts <= PROMPTS or ("none" in prompts and len(prompts) > 1):
        return "invalid_request", "Valeur de prompt non prise en charge."
    max_age = params.get("max_age")
    if max_age is not None and (not max_age.isdigit() or len(max_age) > 9):
        return "invalid_request", "max_age doit être un nombre entier de secondes."
    return None


@router.get(RESUME)
async def resume(page: PageDep) -> Response:
    """Where sign-up and the access pages send the person back while a sign-in waits."""
    return await resume_sign_in(page)


async def resume_sign_in(page: PageDep) -> Response:
    """The pending sign-in goes on: also called by the login form's POST once the person is logged in."""
    request = pending(page.session)
    if request is None:
        return page.redirect("/accueil")
    return await _resume(page, request)


def _needs_login(page: PageDep, request: AuthorizationRequest) -> bool:
    if not page.session.logged_in:
        return True
    logged_in_at = page.session.created_at.timestamp()
    if request.fresh_login and logged_in_at < request.requested_at:
        return True
    return request.max_age is not None and now() - logged_in_at > request.max_age


async def _resume(page: PageDep, request: AuthorizationRequest) -> Response:
    if _needs_login(page, request):
        if request.prompt_none:
            return _back(page, request, "login_required", "Aucune session EFP Connect n’est ouverte.")
        page.session.remember(**{AFTER_LOGIN: RESUME})
        return page.redirect(login_location(RESUME))
    body: dict[str, Any] = {
        "client_id": request.client_id,
        "redirect_uri": request.redirect_uri,
        "scope": request.scope,
        "nonce": request.nonce,
        "code_challenge": request.code_challenge,
        "code_challenge_method": request.code_challenge_method,
        "max_age": request.max_age,
    }
    if request.acr_values:
        body["acr_values"] = request.acr_values
    try:
        issued = await page.api("POST", "/api/v1/oidc/authorization-codes", json=body)
    except SecondFactorNeeded as needed:
        # The application asks for a second factor (`acr_values=efp:mfa`): proved (or first
        # enrolled), then back here, where the code is issued.
        if request.prompt_none:
            return _back(page, request, "interaction_required", needed.problem.detail)
        if needed.step_up:
            return page.redirect(prove_location(RESUME, "application"))
        return page.redirect(enrol_location(RESUME, "application"))
    except LoginRequired:
        if request.prompt_none:
            return _back(page, request, "login_required", "La session EFP Connect a pris fin.")
        page.session.remember(**{AFTER_LOGIN: RESUME})
        return page.redirect(login_location(RESUME))
    except GatewayError as refused:
        problem = refused.problem
        if problem.code == "no_access":
            if request.prompt_none:
                return _back(page, request, "interaction_required", problem.detail)
            # The no-access page offers the two ways; once access exists, the sign-in resumes.
            return page.redirect("/acces")
        error = problem.code if problem.code in ("invalid_request", "invalid_scope") else "invalid_request"
        return _back(page, request, error, problem.detail)
    forget(page.session)
    return page.redirect(request.answer(page.settings.origin(), code=str(issued["code"])))
