"""The example's pages: sign in with EFP Connect (code + PKCE, state, nonce, iss), show who signed in
and their CERES habilitations, sign out (here and at EFP Connect), and hear EFP Connect's logouts."""

import logging
import secrets
from datetime import date
from pathlib import Path

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from ceres_app.authorization_check import AuthorizationChecker
from ceres_app.config import CeresSettings
from ceres_app.logout_token import InvalidLogoutToken, verify_logout_token
from ceres_app.sessions import ServerSideSessions, SessionStore, end, renew

logger = logging.getLogger("ceres")
SCOPE = "openid email profile organization habilitations"
ROLES = {"centre_agree": "Centre agréé", "gestionnaire_centres": "Gestionnaire CENTRES"}
# What the person reads when EFP Connect sends them back with an error (OIDC Core §3.1.2.6).
ERRORS = {
    "access_denied": "La connexion a été refusée ou annulée : vous n’êtes pas connecté à CERES.",
    "login_required": "Aucune session EFP Connect n’est ouverte : identifiez-vous pour accéder à CERES.",
    "interaction_required": "EFP Connect a besoin que vous vous identifiiez à nouveau.",
    "temporarily_unavailable": "EFP Connect est momentanément indisponible. Réessayez dans quelques minutes.",
}
FAILED = "La connexion avec EFP Connect n’a pas abouti. Recommencez ; si cela persiste, contactez l’assistance CERES."
UNREACHABLE = "EFP Connect ne répond pas pour le moment. Réessayez dans quelques minutes."
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _french_date(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else "sans date de fin"


class Ceres:
    def __init__(self, settings: CeresSettings) -> None:
        self.settings = settings
        self.sessions = SessionStore()
        self.checker = (
            AuthorizationChecker(settings.api_url, settings.service_key)
            if settings.api_url and settings.service_key
            else None
        )
        oauth = OAuth()
        self.efp = oauth.register(
            name="efp",
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            server_metadata_url=settings.discovery_url,
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256"},
        )

    def _message(self, request: Request, text: str, status_code: int) -> Response:
        return templates.TemplateResponse(request, "message.html.j2", {"message": text}, status_code=status_code)

    async def home(self, request: Request) -> Response:
        session = request.session
        person = session.get("claims")
        if person and "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(16)
        habilitations = [
            {"role": ROLES.get(h["role"], h["role"]), "siret": h["siret"], "until": _french_date(h.get("end_date"))}
            for h in (person or {}).get("habilitations") or []
        ]
        check = None
        claimed = (person or {}).get("habilitations") or []
        if person and self.checker and claimed:  # the first establishment, as a screen acting on it would
            check = await self.checker.check(person["sub"], claimed[0]["role"], claimed[0]["siret"])
        context = {
            "person": person,
            "habilitations": habilitations,
            "check": check,
            "roles": ROLES,
            "csrf": session.get("csrf", ""),
        }
        return templates.TemplateResponse(request, "home.html.j2", context, headers={"Cache-Control": "no-store"})

    async def login(self, request: Request) -> Response:
        try:
            # Authlib makes state, nonce and the PKCE verifier, and keeps them in the session.
            return await self.efp.authorize_redirect(request, f"{self.settings.base_url}/callback")  # type: ignore[no-any-return]
        except httpx.HTTPError:
            logger.exception("discovery document unreachable")
            return self._message(request, UNREACHABLE, 503)

    async def callback(self, request: Request) -> Response:
        error = request.query_params.get("error")
        if error:
            logger.info("EFP Connect answered %s: %s", error, request.query_params.get("error_description"))
            return self._message(request, ERRORS.get(error, FAILED), 400)
        try:
            metadata = await self.efp.load_server_metadata()
            # RFC 9207: the answer must come from our issuer (mix-up attacks); Authlib does not check it.
            if metadata.get("authorization_response_iss_parameter_supported") and (
                request.query_params.get("iss") != metadata["issuer"]
            ):
                raise AuthlibBaseError(error="invalid_iss", description="iss does not name our issuer")
            # Checks state, exchanges the code with the PKCE verifier, validates the ID token (signature,
            # iss, aud, exp, nonce, at_hash).
            token = await self.efp.authorize_access_token(request)
            claims = dict(token["userinfo"])
            userinfo = dict(await self.efp.userinfo(token=token))
        except (AuthlibBaseError, JoseError, httpx.HTTPError, KeyError) as failed:
            logger.warning("sign-in failed: %r", failed)
            return self._message(request, FAILED, 400)
        if userinfo.get("sub") != claims["sub"]:  # OIDC Core §5.3.2
            return self._message(request, FAILED, 400)
        session = request.session
        session.clear()
        session.update(claims={**claims, **userinfo}, id_token=token["id_token"], sid=claims.get("sid"))
        session["csrf"] = secrets.token_urlsafe(16)
        session_id = renew(request, self.sessions)
        if claims.get("sid"):
            self.sessions.bind_sid(session_id, claims["sid"])
        return RedirectResponse("/", status_code=303)

    async def logout(self, request: Request) -> Response:
        async with request.form() as form:
            csrf = form.get("csrf")
        session = request.session
        if not session.get("claims") or not secrets.compare_digest(str(csrf or ""), session.get("csrf", "")):
            return RedirectResponse("/", status_code=303)
        id_token = session.get("id_token")
        end(request, self.sessions)
        try:
            # RP-initiated logout: with id_token_hint EFP Connect ends its session without asking, then
            # sends the browser back to the registered post_logout_redirect_uri.
            logout = await self.efp.create_logout_url(
                post_logout_redirect_uri=f"{self.settings.base_url}/", id_token_hint=id_token
            )
        except (httpx.HTTPError, RuntimeError):
            return self._message(request, UNREACHABLE, 503)
        return RedirectResponse(logout["url"], status_code=303)

    async def backchannel_logout(self, request: Request) -> Response:
        async with request.form() as form:
            token = form.get("logout_token")
        if not isinstance(token, str) or not token:
            return _logout_error("logout_token is missing")
        try:
            metadata = await self.efp.load_server_metadata()
            claims = await verify_logout_token(
                token,
                metadata["issuer"],
                self.settings.client_id,
                metadata.get("id_token_signing_alg_values_supported") or ["ES256"],
                lambda force: self.efp.fetch_jwk_set(force=force),
            )
        except InvalidLogoutToken as refused:
            return _logout_error(str(refused))
        except httpx.HTTPError:
            logger.exception("JWKS unreachable")
            return JSONResponse({"error": "temporarily_unavailable"}, 503, headers={"Cache-Control": "no-store"})
        sid = claims.get("sid")
        ended = self.sessions.forget_sid(sid) if sid else self.sessions.forget_sub(claims["sub"])
        logger.info("back-channel logout: %d local session(s) ended", ended)
        return Response(status_code=200, headers={"Cache-Control": "no-store"})


def _logout_error(description: str) -> Response:
    logger.warning("logout token refused: %s", description)
    body = {"error": "invalid_request", "error_description": description}
    return JSONResponse(body, 400, headers={"Cache-Control": "no-store"})


def create_app(settings: CeresSettings) -> Starlette:
    ceres = Ceres(settings)
    routes = [
        Route("/", ceres.home),
        Route("/login", ceres.login),
        Route("/callback", ceres.callback),
        Route("/logout", ceres.logout, methods=["POST"]),
        Route("/backchannel-logout", ceres.backchannel_logout, methods=["POST"]),
    ]
    middleware = [Middleware(ServerSideSessions, store=ceres.sessions, secure=settings.secure_cookies)]
    return Starlette(routes=routes, middleware=middleware)
