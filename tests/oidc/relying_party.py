"""A relying party built on Authlib (the client library Python teams use) signing in to EFP Connect, the
checks it makes of the tokens it gets, and its back-channel logout receiver."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

from devstack.pytest_plugin import OIDC_TEST_CLIENT

CALLBACK = OIDC_TEST_CLIENT["redirect_uris"][0]
ALL_SCOPES = "openid email profile organization habilitations"


def key_set(discovery: dict[str, Any]) -> KeySet:
    return KeySet.import_key_set(httpx.get(discovery["jwks_uri"]).json())


def verified_claims(discovery: dict[str, Any], token: str, **expected: Any) -> dict[str, Any]:
    """The token's claims once its signature (ES256, by a published key) and registered claims hold."""
    decoded = jwt.decode(token, key_set(discovery), algorithms=["ES256"])
    essentials = {name: {"essential": True, "value": value} for name, value in expected.items()}
    jwt.JWTClaimsRegistry(exp={"essential": True}, iat={"essential": True}, **essentials).validate(decoded.claims)
    return {**decoded.claims, "_header": decoded.header}


@dataclass
class RelyingParty:
    """One sign-in of the test client, as an application built on Authlib makes it."""

    discovery: dict[str, Any]
    client_id: str = OIDC_TEST_CLIENT["client_id"]
    client_secret: str = OIDC_TEST_CLIENT["client_secret"]
    redirect_uri: str = CALLBACK
    verifier: str = field(default_factory=lambda: generate_token(48))
    nonce: str = field(default_factory=lambda: generate_token(20))
    state: str = ""

    def oauth(self, scope: str = ALL_SCOPES) -> OAuth2Client:
        return OAuth2Client(
            self.client_id,
            self.client_secret,
            scope=scope,
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",
        )

    def authorization_url(self, scope: str = ALL_SCOPES, **extra: str) -> str:
        with self.oauth(scope) as oauth:
            url, self.state = oauth.create_authorization_url(
                self.discovery["authorization_endpoint"], code_verifier=self.verifier, nonce=self.nonce, **extra
            )
        return str(url)

    def callback(self, browser: httpx.Client, scope: str = ALL_SCOPES, **extra: str) -> str:
        """Where the provider sends the browser back (the pages follow-up included, no login)."""
        answer = browser.get(self.authorization_url(scope, **extra))
        while answer.status_code == 303 and not answer.headers["location"].startswith(self.redirect_uri):
            answer = browser.get(answer.headers["location"])
        assert answer.status_code == 303, answer.text[:500]
        return answer.headers["location"]

    def tokens(self, callback: str) -> dict[str, Any]:
        with self.oauth() as oauth:
            token = oauth.fetch_token(
                self.discovery["token_endpoint"],
                authorization_response=callback,
                state=self.state,
                code_verifier=self.verifier,
            )
        return dict(token)

    def sign_in(self, browser: httpx.Client, scope: str = ALL_SCOPES) -> dict[str, Any]:
        return self.tokens(self.callback(browser, scope))


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


class LogoutReceiver:
    """The test client's back-channel logout URI: records each logout token; answers 200, or
    `failures` times 503 first (a relying party briefly down)."""

    def __init__(self, port: int) -> None:
        self.tokens: list[str] = []
        self.failures = 0
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                if receiver.failures > 0:
                    receiver.failures -= 1
                    receiver.refused += 1
                    self.send_response(503)
                else:
                    receiver.tokens.extend(parse_qs(body).get("logout_token", []))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
