"""One page request: the web session, the gateway on its behalf, the form it posted, the page it renders.

Routes take `Page` as a dependency. A page needing a logged-in person calls `await page.me()`:
no session (or an ended one) sends the browser to the login page and back here afterwards.
"""

import secrets
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from jinja2 import Environment
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, RedirectResponse

from web.config import WebSettings
from web.gateway import Caller, Gateway, GatewayError, LoginRequired, Problem
from web.security import CSRF_FIELD, check_csrf
from web.sessions import WebSession

FORM_ID_FIELD = "form_id"
# A page the person should reach after their next login when the login form names none (`suite`).
AFTER_LOGIN = "after_login"


class AlreadyDone(Exception):
    """The same form posted twice: the second does nothing and goes where the first went."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


@dataclass
class Page:
    request: Request
    session: WebSession
    gateway: Gateway
    settings: WebSettings
    templates: Environment
    _me: dict[str, Any] | None = field(default=None, init=False)
    _form: FormData | None = field(default=None, init=False)

    @property
    def caller(self) -> Caller:
        state = self.request.state
        return Caller(self.session, client_ip_of(self.request), state.correlation_id, getattr(state, "waited", None))

    async def api(self, method: str, path: str, **kwargs: Any) -> Any:
        return await self.gateway.json(self.caller, method, path, **kwargs)

    async def me(self) -> dict[str, Any]:
        """The logged-in person (`GET /api/v1/me`), asked once per page."""
        if self._me is None:
            if not self.session.logged_in:
                raise LoginRequired()
            self._me = await self.api("GET", "/api/v1/me")
            if self._me.get("csrf_token") and self._me["csrf_token"] != self.session.gateway_csrf:
                self.session.gateway_csrf = self._me["csrf_token"]
                self.session.changed = True
        return self._me

    async def form(self) -> FormData:
        """The posted form, its CSRF token checked; a form already handled raises AlreadyDone."""
        if self._form is None:
            form = await self.request.form()
            check_csrf(form, self.session.csrf_token)
            form_id = form.get(FORM_ID_FIELD)
            if isinstance(form_id, str) and form_id in self.session.done_forms:
                raise AlreadyDone(self.session.done_forms[form_id])
            self._form = form
        return self._form

    def field(self, name: str) -> str:
        assert self._form is not None, "call await page.form() first"
        value = self._form.get(name)
        return value.strip() if isinstance(value, str) else ""

    def fields(self, name: str) -> list[str]:
        assert self._form is not None, "call await page.form() first"
        return [v.strip() for v in self._form.getlist(name) if isinstance(v, str)]

    def render(self, template: str, title: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = self.templates.get_template(template).render(
            title=title,
            csrf_field=CSRF_FIELD,
            csrf_token=self.session.csrf_token,
            form_id_field=FORM_ID_FIELD,
            new_form_id=new_form_id,
            me=self._me,
            path=self.request.url.path,
            **context,
        )
        return HTMLResponse(html, status_code=status_code)

    def render_problem(
        self, template: str, title: str, problem: Problem, values: dict[str, str] | None = None, **context: Any
    ) -> HTMLResponse:
        """The same form again, with the gateway's messages next to their fields and its detail on top."""
        status = 422 if problem.errors else 400 if problem.status < 500 else problem.status
        return self.render(
            template, title, status_code=status, problem=problem, errors=problem.errors, values=values or {}, **context
        )

    def redirect(self, location: str) -> RedirectResponse:
        """After a successful POST (Post/Redirect/Get), remembering the form so a resubmit goes there too."""
        if self._form is not None:
            form_id = self._form.get(FORM_ID_FIELD)
            if isinstance(form_id, str) and form_id:
                self.session.done_forms[form_id] = location
                self.session.changed = True
        return RedirectResponse(location, status_code=303)


def new_form_id() -> str:
    return secrets.token_urlsafe(12)


def client_ip_of(request: Request) -> str | None:
    return request.client.host if request.client else None


def login_location(path: str) -> str:
    return f"/connexion?suite={quote(path, safe='/')}"


def safe_next(target: str | None) -> str:
    """Only a path of this site (never `//elsewhere` or a full URL) after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/accueil"


def page_of(request: Request) -> Page:
    app = request.app
    return Page(request, request.state.web_session, app.state.gateway, app.state.settings, app.state.templates)


PageDep = Annotated[Page, Depends(page_of)]
__all__ = ["AFTER_LOGIN", "AlreadyDone", "GatewayError", "Page", "PageDep", "login_location", "safe_next"]
