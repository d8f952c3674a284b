"""OpenID Connect provider: relying parties, authorization codes, access tokens and the claims.

Codes and access tokens are random; only their SHA-256 is stored (a copy of the database redeems
nothing). A code is single use for 60 s; redeeming it twice is an attack (RFC 9700 §4.2.1),
so the second attempt also revokes what the first issued.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from identity.domain.session import SECOND_FACTOR_AMR

CODE_LIFETIME = timedelta(seconds=60)
ACCESS_TOKEN_LIFETIME = timedelta(minutes=10)
ID_TOKEN_LIFETIME = timedelta(minutes=10)
# What relying parties may ask for; `openid` is required.
SCOPES = ("openid", "email", "profile", "organization", "habilitations")
# The `acr` of an ID token (contracts.oidc spells them for /authorize's `acr_values`): a password alone,
# or with a second factor proved on the session.
ACR_PASSWORD = "efp:pwd"  # noqa: S105 (an acr value, not a secret)
ACR_SECOND_FACTOR = "efp:mfa"
PASSWORD_AMR = ("pwd",)
CIVILITY_CLAIMS = {"madame": "Mme", "monsieur": "M."}
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def acr_of(amr: tuple[str, ...]) -> str:
    return ACR_SECOND_FACTOR if SECOND_FACTOR_AMR.intersection(amr) else ACR_PASSWORD


def hash_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def sid_of(session_id: str) -> str:
    """The SSO session id relying parties see (`sid`): derived from, and revealing nothing of, ours."""
    return hashlib.sha256(f"sid:{session_id}".encode()).hexdigest()[:32]


@dataclass
class OidcClient:
    id: str
    name: str
    # The catalogue's service whose habilitations the client reads (`ceres`).
    service: str
    # HMAC of the secret, keyed by the service's secret key (secrets are 256-bit random).
    secret_hash: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    backchannel_logout_uri: str | None
    created_at: datetime
    disabled_at: datetime | None = None

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None

    def registered_redirect(self, uri: str) -> bool:
        """Exact string match, as OAuth 2.1 and RFC 9700 §4.1 require (no prefix, no pattern)."""
        return uri in self.redirect_uris


@dataclass(frozen=True)
class GrantedHabilitation:
    role: str
    siret: str
    end_date: date | None


@dataclass
class AuthorizationCode:
    id: str  # hash_of(code)
    client_id: str
    account_id: str
    session_id: str
    redirect_uri: str
    scope: tuple[str, ...]
    nonce: str | None
    code_challenge: str
    auth_time: datetime
    created_at: datetime
    habilitations: tuple[GrantedHabilitation, ...] = ()
    redeemed_at: datetime | None = None
    # What the session had proved when the code was issued: the ID token's `amr` (and so its `acr`).
    amr: tuple[str, ...] = PASSWORD_AMR
    # The login's SSO session (Session.sso_session_id): the ID token's `sid`, stable across step-ups.
    sso_id: str | None = None

    @property
    def expires_at(self) -> datetime:
        return self.created_at + CODE_LIFETIME

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


@dataclass
class AccessToken:
    id: str  # hash_of(token)
    client_id: str
    account_id: str
    session_id: str
    code_id: str
    scope: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def expires_at(self) -> datetime:
        return self.created_at + ACCESS_TOKEN_LIFETIME

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True)
class Person:
    """What the claims are made of: the account, and its organisation's name."""

    account_id: str
    email: str
    civility: str | None
    first_name: str
    last_name: str
    siren: str | None
    organization_name: str | None


def scope_claims(person: Person, scope: tuple[str, ...]) -> dict[str, object]:
    """The claims each granted scope adds (OIDC Core §5.4; `organization`, `habilitations`: ours)."""
    claims: dict[str, object] = {"sub": person.account_id}
    if "email" in scope:
        # Verified: an account exists only after its address received and returned a code.
        claims |= {"email": person.email, "email_verified": True}
    if "profile" in scope:
        claims |= {"given_name": person.first_name, "family_name": person.last_name}
        if person.civility in CIVILITY_CLAIMS:
            claims["civility"] = CIVILITY_CLAIMS[person.civility]
    if "organization" in scope and person.siren:
        claims |= {"siren": person.siren, "organization_name": person.organization_name}
    return claims


def habilitation_claims(habilitations: tuple[GrantedHabilitation, ...]) -> list[dict[str, str | None]]:
    return [
        {"role": h.role, "siret": h.siret, "end_date": h.end_date.isoformat() if h.end_date else None}
        for h in habilitations
    ]


@dataclass
class SigningKeyEntry:
    """One key of the keyring. `next` is published before it signs; `retired` stays published
    until every token it signed has expired (`retire_at`)."""

    kid: str
    state: str  # "next" | "current" | "retired"
    private_pem: str  # encrypted with the service's secret key
    public_jwk: dict[str, str]
    created_at: datetime
    retire_at: datetime | None = None


@dataclass
class Keyring:
    keys: list[SigningKeyEntry] = field(default_factory=list)
    version: int = 0

    def of_state(self, state: str) -> SigningKeyEntry | None:
        return next((k for k in self.keys if k.state == state), None)

    def published(self, now: datetime) -> list[SigningKeyEntry]:
        return [k for k in self.keys if k.state != "retired" or (k.retire_at is not None and now < k.retire_at)]

    def rotate(self, fresh: SigningKeyEntry, now: datetime, keep_published: timedelta) -> None:
        """next → current, current → retired (published `keep_published` more), `fresh` becomes next."""
        current, upcoming = self.of_state("current"), self.of_state("next")
        self.keys = [k for k in self.published(now) if k.state == "retired"]
        if current is not None:
            current.state, current.retire_at = "retired", now + keep_published
            self.keys.append(current)
        if upcoming is not None:
            upcoming.state = "current"
            self.keys.append(upcoming)
        fresh.state = "next" if upcoming is not None else "current"
        self.keys.append(fresh)
