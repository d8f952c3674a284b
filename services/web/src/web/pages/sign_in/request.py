"""An OpenID Connect authorization request as the web session keeps it between pages.

It waits in the session while the person logs in, creates an account or gets access, then the
sign-in resumes (in the login form's POST itself, or at `/oidc/authorize/suite`). Kept as JSON in
one flow entry (the flow holds strings).
"""

import json
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from web.sessions import WebSession

FLOW_KEY = "oidc_request"
RESUME = "/oidc/authorize/suite"


@dataclass
class AuthorizationRequest:
    client_id: str
    client_name: str
    redirect_uri: str
    scope: str
    state: str | None
    nonce: str | None
    code_challenge: str
    code_challenge_method: str
    prompt: str
    max_age: int | None
    # When it arrived: a login demanded by `prompt=login` must be later than this.
    requested_at: float
    fresh_login: bool = False
    # The client's `acr_values` as given ("efp:mfa": a second factor proved), for the gateway to decide.
    acr_values: str = ""

    def save(self, session: WebSession) -> None:
        session.remember(**{FLOW_KEY: json.dumps(asdict(self))})

    @property
    def prompt_none(self) -> bool:
        return "none" in self.prompt.split()

    def answer(self, issuer: str, **params: str) -> str:
        """The redirect back to the client: its parameters, `state`, and `iss` (RFC 9207)."""
        extra = {**params, **({"state": self.state} if self.state is not None else {}), "iss": issuer}
        return with_query(self.redirect_uri, extra)


def pending(session: WebSession) -> AuthorizationRequest | None:
    saved = session.flow.get(FLOW_KEY)
    if not saved:
        return None
    try:
        return AuthorizationRequest(**json.loads(saved))
    except (ValueError, TypeError):
        return None


def forget(session: WebSession) -> None:
    session.remember(**{FLOW_KEY: None})


def with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def origin_of(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


def sign_in_return_origin(session: WebSession) -> str | None:
    """While a sign-in waits, its pages' forms may end (through redirects) at the application."""
    request = pending(session)
    return origin_of(request.redirect_uri) if request else None


def now() -> float:
    return time.time()
