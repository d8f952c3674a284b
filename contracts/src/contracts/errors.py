"""Every refusal code a service may answer, spelled once, with the HTTP status the gateway gives it.

Services' domain errors take their `code` from here; the gateway derives its status map from it, so a
new code is one line in this file.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    status: int

    def __new__(cls, value: str, status: int) -> "ErrorCode":
        member = str.__new__(cls, value)
        member._value_ = value
        member.status = status
        return member

    VALIDATION_ERROR = "validation_error", 422
    INVALID_CAPTCHA = "invalid_captcha", 400
    INVALID_CODE = "invalid_code", 400
    CODE_EXPIRED = "code_expired", 410
    REGISTRATION_EXPIRED = "registration_expired", 410
    TOO_MANY_ATTEMPTS = "too_many_attempts", 409
    WRONG_STEP = "wrong_step", 409
    CONFLICT = "conflict", 409
    NOT_FOUND = "not_found", 404
    METHOD_NOT_ALLOWED = "method_not_allowed", 405
    RATE_LIMITED = "rate_limited", 429
    TOO_EARLY = "too_early", 409
    INVALID_CREDENTIALS = "invalid_credentials", 401
    UNAUTHENTICATED = "unauthenticated", 401
    FORBIDDEN = "forbidden", 403
    CSRF_FAILED = "csrf_failed", 403
    SHARED_MAILBOX = "shared_mailbox", 422
    NO_ACCESS_MANAGER = "no_access_manager", 422
    LAST_MANAGER = "last_manager", 409
    WRONG_STATE = "wrong_state", 409
    INVALID_ACTIVATION_CODE = "invalid_activation_code", 400
    ACTIVATION_CODE_USED = "activation_code_used", 409
    ACTIVATION_CODE_REVOKED = "activation_code_revoked", 410
    ACTIVATION_CODE_EXPIRED = "activation_code_expired", 410
    WEAK_PASSWORD = "weak_password", 422
    PAYLOAD_TOO_LARGE = "payload_too_large", 413
    AUDIO_UNAVAILABLE = "audio_unavailable", 503
    UNKNOWN_CLIENT = "unknown_client", 400
    INVALID_REDIRECT_URI = "invalid_redirect_uri", 400
    INVALID_REQUEST = "invalid_request", 400
    LOGIN_REQUIRED = "login_required", 401
    NO_ACCESS = "no_access", 403
    INVALID_CLIENT = "invalid_client", 401
    INVALID_GRANT = "invalid_grant", 400
    INVALID_TOKEN = "invalid_token", 401
    INTERNAL_ERROR = "internal_error", 500
    SERVICE_UNAVAILABLE = "service_unavailable", 503
    # Managers and agents must enrol a second factor before using their right (HABILITATION_SECOND_FACTOR_REQUIRED).
    SECOND_FACTOR_REQUIRED = "second_factor_required", 403
    # The act needs a second factor proved in the last 15 minutes: POST /api/v1/session/second-factor.
    STEP_UP_REQUIRED = "step_up_required", 403
    # The session waits for its second step: it opens nothing else yet.
    SECOND_FACTOR_PENDING = "second_factor_pending", 401
    # The base of a service's refusals: never raised as such, so any answer with it is a 400.
    REFUSED = "refused", 400
