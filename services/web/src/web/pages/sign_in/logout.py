"""RP-initiated logout 1.0 (`end_session_endpoint`): the application asks EFP Connect to end the session.

With a valid `id_token_hint` the session ends at once and the browser goes back to the registered
`post_logout_redirect_uri` (with `state`); without one, the person is asked first — another site
must not log people out with a bare link.
"""

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError
from web.page import PageDep
from web.pages.login import end_session
from web.pages.sign_in.request import origin_of, with_query
from web.security import policy_allowing_forms_to

router = APIRouter()
TITLE = "Se déconnecter d’EFP Connect"


async def _checked(page: PageDep, params: dict[str, str]) -> dict[str, str | None] | Response:
    body = {
        name: params[name] for name in ("id_token_hint", "client_id", "post_logout_redirect_uri") if params.get(name)
    }
    try:
        return dict(await page.api("POST", "/api/v1/oidc/logout-requests", json=body))
    except GatewayError as refused:
        return page.render("pages/sign_in/error.html.j2", "Déconnexion impossible", 400, message=refused.problem.detail)


async def _end(page: PageDep, checked: dict[str, str | None], state: str | None) -> Response:
    await end_session(page)
    uri = checked.get("post_logout_redirect_uri")
    if not uri:
        return page.redirect("/connexion?deconnecte=1")
    return page.redirect(with_query(uri, {"state": state}) if state else uri)


@router.get("/oidc/logout")
@router.post("/oidc/logout")
async def end_session_endpoint(page: PageDep) -> Response:
    if page.request.method == "POST":
        form = await page.request.form()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
    else:
        params = dict(page.request.query_params)
    checked = await _checked(page, params)
    if isinstance(checked, Response):
        return checked
    if params.get("id_token_hint"):
        return await _end(page, checked, params.get("state"))
    back = checked.get("post_logout_redirect_uri") or ""
    confirmation = page.render(
        "pages/sign_in/logout.html.j2",
        TITLE,
        client_name=checked.get("client_name"),
        client_id=checked.get("client_id") or "",
        post_logout_redirect_uri=back,
        state=params.get("state", ""),
    )
    if back:
        # The confirmation form ends, through a redirect, at the application.
        confirmation.headers["Content-Security-Policy"] = policy_allowing_forms_to(origin_of(back))
    return confirmation


@router.post("/oidc/logout/confirmer")
async def confirm(page: PageDep) -> Response:
    await page.form()
    params = {name: page.field(name) for name in ("client_id", "post_logout_redirect_uri")}
    checked = await _checked(page, params)
    if isinstance(checked, Response):
        return checked
    return await _end(page, checked, page.field("state") or None)
