"""The web service's pages as a browser uses them: a client that keeps cookies, the forms' hidden fields
(CSRF token, security code), posting a form and logging in. Shared by the pages and OpenID tests."""

import re
from dataclasses import dataclass

import httpx

from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from efp_runtime.polling import eventually_sync


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    account_id: str


def web_browser(system: RunningSystem) -> httpx.Client:
    """Cookies kept and Origin sent on posts, as a browser does; redirects read, not followed."""
    return httpx.Client(base_url=system.web_url, timeout=15, headers={"Origin": system.web_url})


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries no CSRF token"
    return match.group(1)


def captcha_id(html: str) -> str:
    match = re.search(r'name="captcha_id" value="([^"]+)"', html)
    assert match, "the form carries no security code"
    return match.group(1)


def post_form(client: httpx.Client, path: str, **data: str) -> httpx.Response:
    """Posts the form of the page at `path` back to it, with that page's CSRF token."""
    page = client.get(path)
    return client.post(path, data={"csrf_token": form_token(page.text), **data})


def login_page(client: httpx.Client) -> httpx.Response:
    """The login page, as a person gets it: when the whole suite loads two cores, the security
    code's RPC can outlast the gateway's timeout and the page says « Réessayer » (503); they would."""
    page = eventually_sync(lambda: client.get("/connexion"), lambda page: page.status_code != 503, within=2, every=1)
    assert page.status_code == 200, f"{page.status_code}: {page.text[:300]}"
    return page


def post_captcha_form(
    client: httpx.Client, path: str, page: httpx.Response, answer: str = CAPTCHA_TEST_ANSWER, **fields: str
) -> httpx.Response:
    """Posts the form of `page`, which asks for a security code, to `path`: its CSRF token, its
    security code with `answer`, and `fields`."""
    data = {"csrf_token": form_token(page.text), "captcha_id": captcha_id(page.text), "captcha_answer": answer}
    return client.post(path, data={**data, **fields})


def log_in(client: httpx.Client, email: str, password: str, answer: str = CAPTCHA_TEST_ANSWER) -> httpx.Response:
    page = login_page(client)
    return post_captcha_form(client, "/connexion", page, answer, email=email, password=password, suite="")


def start_sign_up(client: httpx.Client, email: str) -> httpx.Response:
    """The first step of « Je crée mon compte »: the address and the security code."""
    return post_captcha_form(client, "/inscription", client.get("/inscription"), email=email)
