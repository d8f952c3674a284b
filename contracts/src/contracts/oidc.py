"""OpenID Connect provider (identity service): relying parties, codes, tokens, signing keys.

The web service runs the browser side (authorize, logout pages) and the gateway the machine
endpoints (token, userinfo, revocation, JWKS); both ask the identity service, which keeps the
clients, the codes and tokens (hashed), the SSO sessions and the signing keys. Requests that
carry a client secret, a code, a token or a session token go to its credentials queue.
"""

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.accounts import DoneV1
from contracts.rpc import Request


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class OidcClientV1(_Result):
    """A relying party as the authorization page needs it (no secret)."""

    client_id: str
    name: str
    service: str
    redirect_uri: str


class DescribeOidcClientV1(Request[OidcClientV1]):
    """Is this client known and enabled, and is this redirect URI one it registered (exactly)?"""

    MESSAGE_TYPE: ClassVar[str] = "identity.describe_oidc_client.v1"
    kind: Literal["identity.describe_oidc_client.v1"] = "identity.describe_oidc_client.v1"
    client_id: str
    redirect_uri: str


class GrantedHabilitationV1(_Result):
    """An active habilitation as it goes into the `habilitations` claim (filtered to the client's service)."""

    service: str
    role: str
    siret: str
    end_date: date | None


class AuthorizationCodeV1(_Result):
    code: str


# The `acr` values EFP Connect knows (discovery's acr_values_supported): a password alone, or with a
# second factor. A client asking `acr_values=efp:mfa` gets a code only once the session proved one.
ACR_PASSWORD = "efp:pwd"  # noqa: S105 (an acr value, not a secret)
ACR_SECOND_FACTOR = "efp:mfa"


class IssueAuthorizationCodeV1(Request[AuthorizationCodeV1]):
    """The logged-in person (session) signs in to a client: a single-use code for 60 s.

    Refused `login_required` when the session ended or is older than `max_age`; `no_access` when
    the person has no active habilitation on the client's service (agents excepted).
    """

    MESSAGE_TYPE: ClassVar[str] = "identity.issue_authorization_code.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.issue_authorization_code.v1"] = "identity.issue_authorization_code.v1"
    session_token: str
    client_id: str
    redirect_uri: str
    scope: list[str]
    nonce: str | None = None
    code_challenge: str
    code_challenge_method: str
    max_age: int | None = None
    # The client's `acr_values` (space-separated at /authorize): "efp:mfa" asks for a second factor.
    acr_values: list[str] = Field(default_factory=list)
    # Every active habilitation of the person, as the gateway read them from the habilitation service.
    habilitations: list[GrantedHabilitationV1] = Field(default_factory=list)


class TokenSetV1(_Result):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 (the OAuth token type, not a secret)
    expires_in: int
    id_token: str
    scope: str


class ExchangeAuthorizationCodeV1(Request[TokenSetV1]):
    """The token endpoint's `authorization_code` grant, the client authenticated by its secret."""

    MESSAGE_TYPE: ClassVar[str] = "identity.exchange_authorization_code.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.exchange_authorization_code.v1"] = "identity.exchange_authorization_code.v1"
    client_id: str
    client_secret: str
    code: str
    redirect_uri: str
    code_verifier: str


class UserInfoV1(_Result):
    """Who an access token speaks for, and the claims of its scopes (None: not granted)."""

    sub: str
    account_kind: Literal["user", "agent"]
    service: str
    scope: list[str]
    email: str | None = None
    email_verified: bool | None = None
    given_name: str | None = None
    family_name: str | None = None
    civility: str | None = None
    siren: str | None = None
    organization_name: str | None = None


class GetUserInfoV1(Request[UserInfoV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.get_user_info.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.get_user_info.v1"] = "identity.get_user_info.v1"
    access_token: str


class RevokeOidcTokenV1(Request[DoneV1]):
    """RFC 7009: the client's own access token; an unknown or another client's token changes nothing."""

    MESSAGE_TYPE: ClassVar[str] = "identity.revoke_oidc_token.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.revoke_oidc_token.v1"] = "identity.revoke_oidc_token.v1"
    client_id: str
    client_secret: str
    token: str


class PublicJwkV1(_Result):
    """A public signing key (EC P-256, ES256), as JWKS publishes it."""

    kty: Literal["EC"]
    crv: Literal["P-256"]
    x: str
    y: str
    kid: str
    use: Literal["sig"] = "sig"
    alg: Literal["ES256"] = "ES256"


class JwksV1(_Result):
    keys: list[PublicJwkV1]


class GetSigningKeysV1(Request[JwksV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.get_signing_keys.v1"
    kind: Literal["identity.get_signing_keys.v1"] = "identity.get_signing_keys.v1"


class LogoutRequestV1(_Result):
    """A checked RP-initiated logout: where to send the browser after (None: stay on EFP Connect)."""

    client_id: str | None
    client_name: str | None
    post_logout_redirect_uri: str | None


class CheckLogoutRequestV1(Request[LogoutRequestV1]):
    """RP-initiated logout 1.0: `id_token_hint` signed by us (expired is fine), the redirect registered."""

    MESSAGE_TYPE: ClassVar[str] = "identity.check_logout_request.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.check_logout_request.v1"] = "identity.check_logout_request.v1"
    id_token_hint: str | None = None
    client_id: str | None = None
    post_logout_redirect_uri: str | None = None
