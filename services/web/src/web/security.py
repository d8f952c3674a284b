"""What every answer carries and every form must prove: security headers, the Origin check, the CSRF token.

The pages run no inline script or style, so the Content-Security-Policy allows only this
service's own files; tokens travel in some URLs (the invitation link, the e-mailed codes), so no
Referer ever leaves a page. A state-changing request must come from our own origin (browsers
send Origin on every POST) and repeat the web session's CSRF token in its form.
"""

import hmac

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "media-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_FIELD = "csrf_token"


class CsrfRefused(Exception):
    """A form without this session's token, or from another site."""


def add_security_headers(response: Response, secure: bool, form_target: str | None = None) -> None:
    """`form_target`: another origin a form of this page may end up at through redirects — the
    application a sign-in returns to (browsers apply form-action to a form's redirects too)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if form_target:
        response.headers["Content-Security-Policy"] = policy_allowing_forms_to(form_target)
    if secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")


def policy_allowing_forms_to(origin: str) -> str:
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {origin}")


def origin_allowed(request: Request, origin: str) -> bool:
    """Another site's form is refused by its Origin, or by Sec-Fetch-Site. Under `no-referrer` browsers
    send `Origin: null` even for our own forms, so then the fetch metadata (and the CSRF token) decide.
    A script's `fetch` names the page's origin, which is this very address when the site is reached
    under another name than the public one (localhost for 127.0.0.1, where WebAuthn works): accepted
    too, since no other site can send it."""
    given = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if given is not None and given != "null" and given.rstrip("/") not in (origin, own):
        return False
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


def check_csrf(form: FormData, expected: str) -> None:
    given = form.get(CSRF_FIELD)
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CsrfRefused()
