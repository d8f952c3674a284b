"""What the second factor's pages share: their addresses, the page to come back to, the notices,
and the one answer to a gateway asking for a second factor (`SecondFactorNeeded`, see main.py)."""

from urllib.parse import urlencode

from fastapi import Request
from jinja2 import Environment
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Match, Mount

from web.gateway import SecondFactorNeeded
from web.page import safe_next

PROVE = "/connexion/double-authentification"
SETTINGS = "/mon-compte/double-authentification"
# Flow entry: the gateway session is pending (password given, second factor not yet): it opens nothing else.
PENDING = "second_factor_pending"
# Why the person is sent to a page (`?motif=`): a fixed list, so the address cannot put words on it.
PROVE_REASONS = {
    "action": "Pour cette action, confirmez votre identité avec votre double authentification.",
    "application": "L’application à laquelle vous vous connectez demande de confirmer votre identité "
    "avec votre double authentification.",
}
ENROL_REASONS = {
    "obligatoire": "Pour utiliser vos droits, vous devez d’abord configurer la double authentification.",
    "application": "L’application à laquelle vous vous connectez demande la double authentification : "
    "configurez-la pour continuer.",
}


def safe_suite(target: str | None) -> str:
    """A path of this site to go to afterwards; never the second-factor page itself (no loop)."""
    chosen = safe_next(target)
    return "/accueil" if chosen.split("?")[0] == PROVE else chosen


def _location(base: str, suite: str, motif: str | None) -> str:
    params = {"suite": suite, **({"motif": motif} if motif else {})}
    return f"{base}?{urlencode(params, safe='/')}"


def prove_location(suite: str, motif: str | None = None) -> str:
    return _location(PROVE, suite, motif)


def enrol_location(suite: str, motif: str | None = None) -> str:
    return _location(SETTINGS, suite, motif)


def come_back_to(request: Request, path: str) -> None:
    """The page a route wants the person back on after the second factor, when it is not the
    default (`return_page`): a download's own page, say."""
    request.state.second_factor_return = path


def return_page(request: Request) -> str:
    """The page the person was on: a GET's own address; for a form, the nearest page above the
    address it posted to (…/utilisateurs/X/responsable/retirer → …/utilisateurs/X), so they redo it."""
    chosen = getattr(request.state, "second_factor_return", None)
    if chosen:
        return str(chosen)
    query = f"?{request.url.query}" if request.url.query else ""
    path = request.url.path
    if request.method == "GET":
        return safe_suite(path + query)
    while path:
        if any(_is_page(route, path) for route in request.app.routes):
            return safe_suite(path + query)
        path = path.rsplit("/", 1)[0]
    return "/accueil"


def _is_page(route: BaseRoute, path: str) -> bool:
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "query_string": b"", "headers": []}
    return not isinstance(route, Mount) and route.matches(scope)[0] == Match.FULL


def second_factor_needed(request: Request, templates: Environment, needed: SecondFactorNeeded) -> Response:
    """`step_up_required`: to the second-factor page, then back; `second_factor_required`: a page
    saying so, with the way to the enrolment page (and back)."""
    back = return_page(request)
    if needed.step_up:
        return RedirectResponse(prove_location(back, "action"), status_code=303)
    html = templates.get_template("pages/second_factor/required.html.j2").render(
        title="Double authentification requise",
        detail=needed.problem.detail,
        enrol=enrol_location(back, "obligatoire"),
        path=request.url.path,
        me=None,
        csrf_token="",
    )
    return HTMLResponse(html, status_code=403)
