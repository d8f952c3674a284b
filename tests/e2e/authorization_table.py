"""The authorization matrix: every gateway route, the call each actor makes, and the status it must get.

Refusals name their problem `code`. Resources belong to the right organisation and are valid,
so a refusal proves the caller was refused, not the request. Other organisations' resources
answer 404 `not_found` rather than 403 (their existence stays hidden); `/agent` routes answer
403 `forbidden` to people; session routes 401 `unauthenticated` to callers without a session.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.e2e.authorization_calls import (
    GRANT,
    NEW_PASSWORD,
    PROFILE,
    Call,
    accept_charter,
    accept_invitation,
    at,
    cancel_request,
    captcha_media,
    change_password,
    check,
    close_other_sessions,
    confirm_totp,
    delete_account,
    invite,
    new_registration,
    new_reset,
    prove_second_factor,
    registration,
    resend_code,
    reset,
    start_email_change,
    submit_request,
    users_of,
    verify_email_change,
)
from tests.e2e.authorization_world import (
    ACTORS,
    AGENT,
    ANONYMOUS,
    MANAGER,
    ORG,
    OTHER_MANAGER,
    OTHER_USER,
    SERVICE,
    SPARE_SIREN,
    USER,
    World,
)

Outcome = tuple[int, str | None]  # the status, and the problem `code` of a refusal
UNAUTHENTICATED: Outcome = (401, "unauthenticated")
FORBIDDEN: Outcome = (403, "forbidden")
NOT_FOUND: Outcome = (404, "not_found")


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expect: dict[str, Outcome]
    prepare: Callable[[World, str], Call] | None = None  # None: the path as it is, no body
    # Routes other changes are adding: skipped while the OpenAPI document lacks them.
    pending: bool = False
    documented: bool = True  # in the OpenAPI document (the documents themselves are not)
    bugs: dict[str, str] = field(default_factory=dict)  # actor → why the observed status is wrong

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path

    def call(self, world: World, actor: str) -> Call:
        return self.prepare(world, actor) if self.prepare else Call(self.path)


def everyone(ok: int | Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(ACTORS, ok if isinstance(ok, tuple) else (ok, None))


def signed_in(ok: int | Outcome, **others: Outcome) -> dict[str, Outcome]:
    """Any session; the service key is no session."""
    return {**everyone(ok), ANONYMOUS: UNAUTHENTICATED, SERVICE: UNAUTHENTICATED, **others}


def managers(ok: int | Outcome) -> dict[str, Outcome]:
    """The right organisation's manager only."""
    return signed_in(ok, **dict.fromkeys((USER, OTHER_USER, OTHER_MANAGER, AGENT), NOT_FOUND))


def owner(ok: int | Outcome) -> dict[str, Outcome]:
    """The plain user, on what is theirs."""
    return signed_in(ok, **dict.fromkeys((OTHER_USER, OTHER_MANAGER, MANAGER, AGENT), NOT_FOUND))


def agents(ok: int | Outcome) -> dict[str, Outcome]:
    return signed_in(ok, **dict.fromkeys((USER, OTHER_USER, OTHER_MANAGER, MANAGER), FORBIDDEN))


def service_key(ok: int | Outcome) -> dict[str, Outcome]:
    return {**dict.fromkeys(ACTORS, UNAUTHENTICATED), SERVICE: ok if isinstance(ok, tuple) else (ok, None)}


SIGN_IN = {
    "client_id": "test-rp",
    "redirect_uri": "http://rp.test/callback",
    "scope": "openid email",
    "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",  # RFC 7636 appendix B
    "code_challenge_method": "S256",
}
OUTSIDERS_AND_AGENT = {OTHER_USER: FORBIDDEN, OTHER_MANAGER: FORBIDDEN, AGENT: FORBIDDEN}
ROWS: tuple[Row, ...] = (
    # Operations and documents.
    Row("GET", "/health/live", everyone(200)),
    Row("GET", "/health/ready", everyone(200)),
    Row("GET", "/metrics", everyone(200), pending=True, documented=False),
    Row("GET", "/openapi.json", everyone(200), documented=False),
    Row("GET", "/docs", everyone(200), documented=False),
    Row("GET", "/asyncapi.json", everyone(200), pending=True),
    # Captcha, sign-up, directory, login, password reset: public.
    Row("POST", "/api/v1/captchas", everyone(201)),
    Row("GET", "/api/v1/captchas/{captcha_id}/image", everyone(200), captcha_media("image")),
    Row("GET", "/api/v1/captchas/{captcha_id}/audio", everyone(200), captcha_media("audio")),
    Row("POST", "/api/v1/registrations", everyone(201), new_registration),
    Row("POST", "/api/v1/registrations/{registration_id}/verify", everyone(200), registration("verify", {})),
    Row("POST", "/api/v1/registrations/{registration_id}/resend-code", everyone(202), resend_code),
    Row(
        "POST",
        "/api/v1/registrations/{registration_id}/password",
        everyone(200),
        registration("password", {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}),
    ),
    Row(
        "POST",
        "/api/v1/registrations/{registration_id}/identity",
        everyone(200),
        registration("identity", {"civility": "madame", "last_name": "Lemaître", "first_name": "Jeanne"}),
    ),
    Row(
        "POST",
        "/api/v1/registrations/{registration_id}/back",
        everyone(200),
        lambda w, a: Call(f"/api/v1/registrations/{w.registration('organisation')[0]}/back", {"step": "identity"}),
    ),
    Row(
        "POST",
        "/api/v1/registrations/{registration_id}/organisation",
        everyone(201),
        registration("organisation", {"siren": SPARE_SIREN, "accept_terms": True}),
    ),
    Row(
        "GET", "/api/v1/organisations", everyone(200), lambda w, a: Call("/api/v1/organisations", params={"q": w.siren})
    ),
    Row("GET", "/api/v1/services/{service}/roles", everyone(200), at("/api/v1/services/ceres/roles")),
    Row("GET", "/api/v1/services/{service}/terms", everyone(200), at("/api/v1/services/ceres/terms")),
    Row("GET", "/api/v1/charter", everyone(200)),
    Row(
        "POST",
        "/api/v1/session",
        everyone(200),
        lambda w, a: Call("/api/v1/session", w.login_body(a), client=w.session(a)),
    ),
    Row("POST", "/api/v1/password-resets", everyone(202), new_reset),
    Row("POST", "/api/v1/password-resets/{reset_id}/verify", everyone(200), reset("verify")),
    Row("POST", "/api/v1/password-resets/{reset_id}/password", everyone(200), reset("password")),
    # The caller's own account: any session.
    Row("DELETE", "/api/v1/session", signed_in(204), lambda w, a: Call("/api/v1/session", client=w.session(a))),
    Row("DELETE", "/api/v1/session/others", signed_in(200), close_other_sessions),
    Row("GET", "/api/v1/me", signed_in(200)),
    Row("PATCH", "/api/v1/me", signed_in(200), lambda w, a: Call("/api/v1/me", PROFILE)),
    Row("POST", "/api/v1/me/password", signed_in(204, **{AGENT: (400, "invalid_credentials")}), change_password),
    Row("GET", "/api/v1/me/habilitations", signed_in(200)),
    # A person's own data (issue 15).
    Row("GET", "/api/v1/me/export", signed_in(200)),
    Row("POST", "/api/v1/me/email", signed_in(202), start_email_change),
    Row("POST", "/api/v1/me/email/verify", signed_in((400, "invalid_code")), verify_email_change),
    Row(
        "DELETE",
        "/api/v1/me",
        signed_in(
            204,
            **dict.fromkeys((MANAGER, AGENT), (400, "invalid_credentials")),
            **{OTHER_MANAGER: (409, "last_manager")},
        ),
        delete_account,
    ),
    # The second factor: nobody of the table gets enrolled (every other row would then ask for step-up).
    Row("GET", "/api/v1/me/second-factor", signed_in(200)),
    Row("POST", "/api/v1/me/second-factor/totp", signed_in(201)),
    Row("POST", "/api/v1/me/second-factor/totp/confirm", signed_in((400, "invalid_code")), confirm_totp),
    Row("DELETE", "/api/v1/me/second-factor/totp", signed_in((422, "validation_error"))),  # none to remove
    Row("POST", "/api/v1/me/second-factor/passkeys/options", signed_in(200)),
    Row(
        "POST",
        "/api/v1/me/second-factor/passkeys",
        signed_in((400, "invalid_code")),  # a credential no authenticator made
        lambda w, a: Call("/api/v1/me/second-factor/passkeys", {"name": "Clé", "credential": {"id": "AAAA"}}),
    ),
    Row(
        "DELETE",
        "/api/v1/me/second-factor/passkeys/{passkey_id}",
        signed_in(NOT_FOUND),
        at("/api/v1/me/second-factor/passkeys/inconnue"),
    ),
    Row("POST", "/api/v1/me/second-factor/recovery-codes", signed_in((403, "second_factor_required"))),
    Row("POST", "/api/v1/session/second-factor/challenge", signed_in((400, "invalid_code"))),
    Row(  # none enrolled: nothing to prove
        "POST", "/api/v1/session/second-factor", signed_in((403, "second_factor_required")), prove_second_factor
    ),
    Row("GET", "/api/v1/me/access-requests", signed_in(200)),
    Row("GET", "/api/v1/me/messages", signed_in(200)),
    Row(
        "POST",
        "/api/v1/services/{service}/terms",
        signed_in(200),
        lambda w, a: Call("/api/v1/services/ceres/terms", {"accept": True}),
    ),
    # Becoming manager with the posted code: a person of the organisation, not yet its manager.
    Row(
        "POST",
        "/api/v1/activations",
        signed_in(200, **OUTSIDERS_AND_AGENT, **{MANAGER: (409, "conflict")}),
        lambda w, a: Call("/api/v1/activations", {"siret": w.siret, "activation_code": w.activation_code()[1]}),
    ),
    Row("POST", "/api/v1/activations/{activation_id}/accept-charter", owner(200), accept_charter),
    Row(
        "POST",
        "/api/v1/me/habilitations",
        managers(201),
        lambda w, a: Call("/api/v1/me/habilitations", {**GRANT, "siret": w.siret}),
    ),
    # Access requests: a person of the organisation asks (the manager already has access), its manager decides.
    Row(
        "POST",
        "/api/v1/access-requests",
        signed_in(201, **OUTSIDERS_AND_AGENT, **{MANAGER: (409, "conflict")}),
        submit_request,
    ),
    Row(
        "GET",
        "/api/v1/access-requests/{request_id}",
        signed_in(200, **dict.fromkeys((OTHER_USER, OTHER_MANAGER, AGENT), NOT_FOUND)),
        lambda w, a: Call(f"/api/v1/access-requests/{w.pending_request(w.user)}"),
    ),
    Row(
        "POST",
        "/api/v1/access-requests/{request_id}/resend",
        owner((409, "too_early")),
        lambda w, a: Call(f"/api/v1/access-requests/{w.pending_request(w.user)}/resend"),
    ),
    Row(
        "POST",
        "/api/v1/access-requests/{request_id}/cancel",
        owner(200),
        cancel_request,
    ),
    Row(
        "GET",
        "/api/v1/organisations/{siren}/access-requests",
        managers(200),
        at("/api/v1/organisations/{siren}/access-requests", status="pending"),
    ),
    Row(
        "POST",
        "/api/v1/access-requests/{request_id}/accept",
        managers(200),
        lambda w, a: Call(
            f"/api/v1/access-requests/{w.pending_request(w.requester)}/accept",
            {"habilitations": [{**GRANT, "siret": w.siret}]},
        ),
    ),
    Row(
        "POST",
        "/api/v1/access-requests/{request_id}/refuse",
        managers(200),
        lambda w, a: Call(f"/api/v1/access-requests/{w.pending_request(w.requester)}/refuse", {"reason": "Non."}),
    ),
    # Invitations.
    Row("POST", "/api/v1/organisations/{siren}/invitations", managers(201), invite),
    Row(
        "GET",
        "/api/v1/organisations/{siren}/invitations",
        managers(200),
        at("/api/v1/organisations/{siren}/invitations"),
    ),
    Row(
        "POST",
        "/api/v1/invitations/accept",
        signed_in(FORBIDDEN, **{USER: (200, None)}),
        accept_invitation,
    ),
    Row(
        "POST",
        "/api/v1/invitations/{invitation_id}/resend",
        managers((409, "too_early")),
        lambda w, a: Call(f"/api/v1/invitations/{w.invitation()[0]}/resend"),
    ),
    Row(
        "POST",
        "/api/v1/invitations/{invitation_id}/revoke",
        managers(200),
        lambda w, a: Call(f"/api/v1/invitations/{w.invitation()[0]}/revoke"),
    ),
    # The organisation's users, habilitations and managers.
    Row("GET", "/api/v1/organisations/{siren}/users", managers(200), at("/api/v1/organisations/{siren}/users")),
    Row("GET", "/api/v1/organisations/{siren}/users/{account_id}", managers(200), users_of),
    Row(
        "POST",
        "/api/v1/organisations/{siren}/users/{account_id}/habilitations",
        managers(201),
        lambda w, a: Call(
            f"/api/v1/organisations/{w.siren}/users/{w.member.account_id}/habilitations",
            {"role": "gestionnaire_centres", "siret": w.siret},
        ),
    ),
    Row(
        "DELETE",
        "/api/v1/habilitations/{habilitation_id}",
        managers(200),
        lambda w, a: Call(f"/api/v1/habilitations/{w.member_habilitation()}"),
    ),
    Row(
        "PUT",
        "/api/v1/organisations/{siren}/managers/{account_id}",
        managers(200),
        lambda w, a: Call(f"/api/v1/organisations/{w.siren}/managers/{w.member_is_manager(False)}"),
    ),
    Row(
        "DELETE",
        "/api/v1/organisations/{siren}/managers/{account_id}",
        managers(204),
        lambda w, a: Call(f"/api/v1/organisations/{w.siren}/managers/{w.member_is_manager(True)}"),
    ),
    Row(
        "POST",
        "/api/v1/organisations/{siren}/delegations",
        managers(201),
        lambda w, a: Call(
            f"/api/v1/organisations/{w.siren}/delegations",
            {"email": w.delegate_email, **GRANT, "siret": w.siret, "end_date": w.in_a_year()},
        ),
    ),
    Row("GET", "/api/v1/organisations/{siren}/messages", managers(200), at("/api/v1/organisations/{siren}/messages")),
    # Ministry agents.
    Row(
        "POST",
        "/api/v1/agent/activation-codes",
        agents(201),
        lambda w, a: Call("/api/v1/agent/activation-codes", {"siret": w.siret, "service": "ceres"}),
    ),
    Row(
        "GET",
        "/api/v1/agent/activation-codes",
        agents(200),
        at("/api/v1/agent/activation-codes", siret=ORG[1]),
    ),
    Row(
        "POST",
        "/api/v1/agent/activation-codes/{code_id}/revoke",
        agents(200),
        lambda w, a: Call(f"/api/v1/agent/activation-codes/{w.activation_code()[0]}/revoke", {"reason": "Égaré."}),
    ),
    Row(
        "GET",
        "/api/v1/agent/activation-codes/{code_id}/letter",
        agents(200),
        lambda w, a: Call(f"/api/v1/agent/activation-codes/{w.activation_code()[0]}/letter"),
    ),
    # Single sign-on. The machine endpoints know no session: without the relying party's credentials
    # (or an access token), every caller gets OAuth's 401, and no problem+json (so no code).
    Row("GET", "/oidc/jwks", everyone(200)),
    Row("POST", "/oidc/token", everyone(401)),
    Row("GET", "/oidc/userinfo", everyone(401)),
    Row("POST", "/oidc/userinfo", everyone(401)),
    Row("POST", "/oidc/revoke", everyone(401)),
    Row(
        "GET",
        "/api/v1/oidc/clients/{client_id}",
        everyone(200),
        at("/api/v1/oidc/clients/test-rp", redirect_uri="http://rp.test/callback"),
    ),
    Row(
        "POST",
        "/api/v1/oidc/authorization-codes",
        # A code for whoever may use the client's service: managers (habilitated) and agents.
        signed_in(201, **dict.fromkeys((USER, OTHER_USER), (403, "no_access"))),
        lambda w, a: Call("/api/v1/oidc/authorization-codes", SIGN_IN),
    ),
    Row(
        "POST",
        "/api/v1/oidc/logout-requests",
        everyone(200),
        lambda w, a: Call(
            "/api/v1/oidc/logout-requests",
            {"client_id": "test-rp", "post_logout_redirect_uri": "http://rp.test/logged-out"},
        ),
    ),
    # Other ministry systems, with the service key.
    Row("GET", "/api/v1/authorizations/check", service_key(200), check),
    Row("GET", "/api/v1/habilitations", service_key(200), at("/api/v1/habilitations", siret=ORG[1]), pending=True),
)
