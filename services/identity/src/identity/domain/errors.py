"""Refusals of the identity domain: a stable machine code and the French text shown to the user."""


class IdentityError(Exception):
    code = "identity_error"
    detail = "La demande n'a pas pu être traitée."

    def __init__(
        self,
        detail: str | None = None,
        field: str | None = None,
        *,
        errors: list[tuple[str, str]] | None = None,
        retry_after_seconds: int | None = None,
    ) -> None:
        super().__init__(detail or self.detail)
        if detail:
            self.detail = detail
        self.field = field
        # (field, French message) pairs when several rules failed at once.
        self.errors = errors or ([(field, self.detail)] if field else [])
        self.retry_after_seconds = retry_after_seconds


class InvalidInput(IdentityError):
    code = "validation_error"
    detail = "Les informations saisies sont invalides."


class InvalidCaptcha(IdentityError):
    code = "invalid_captcha"
    detail = "Le code de sécurité saisi est incorrect ou a expiré. Veuillez saisir le nouveau code affiché."


class NotFound(IdentityError):
    code = "not_found"
    detail = "Cette demande est introuvable."


class InvalidCode(IdentityError):
    code = "invalid_code"
    detail = "Le code de validation saisi est incorrect."


class CodeExpired(IdentityError):
    code = "code_expired"
    detail = "Le code de validation a expiré. Demandez l'envoi d'un nouveau code."


class TooManyAttempts(IdentityError):
    code = "too_many_attempts"
    detail = "Trop de codes incorrects ont été saisis. Demandez l'envoi d'un nouveau code."


class RegistrationExpired(IdentityError):
    code = "registration_expired"
    detail = "Votre demande de création de compte a expiré. Veuillez recommencer."


class WrongStep(IdentityError):
    code = "wrong_step"
    detail = "Cette étape de la création de compte n'est pas disponible. Veuillez suivre les étapes dans l'ordre."


class Conflict(IdentityError):
    code = "conflict"
    detail = "La demande a été modifiée entre-temps. Veuillez réessayer."


class SharedMailbox(IdentityError):
    code = "shared_mailbox"
    detail = "Pour des raisons de sécurité, il est interdit d'utiliser une adresse e-mail partagée."


class WeakPassword(IdentityError):
    code = "weak_password"
    detail = "Le mot de passe ne respecte pas les règles de sécurité."


class RateLimited(IdentityError):
    code = "rate_limited"
    detail = "Trop de tentatives. Veuillez réessayer plus tard."


class TooEarly(IdentityError):
    code = "too_early"
    detail = "Un code vient de vous être envoyé. Veuillez patienter avant d'en demander un nouveau."


class InvalidCredentials(IdentityError):
    code = "invalid_credentials"
    detail = "Identifiant ou mot de passe incorrect."


class Unauthenticated(IdentityError):
    code = "unauthenticated"
    detail = "Votre session a expiré. Veuillez vous identifier à nouveau."


class AccountExists(IdentityError):
    code = "conflict"
    detail = "Un compte EFP Connect existe déjà pour cette adresse e-mail."


# --- OpenID Connect: the codes are OAuth 2.0's, so the gateway passes them on as they are ----------


class UnknownClient(IdentityError):
    code = "unknown_client"
    detail = "L'application qui vous a envoyé ici n'est pas connue d'EFP Connect."


class InvalidRedirectUri(IdentityError):
    code = "invalid_redirect_uri"
    detail = "L'adresse de retour demandée n'est pas enregistrée pour cette application."


class InvalidClient(IdentityError):
    code = "invalid_client"
    detail = "Authentification de l'application refusée."


class InvalidGrant(IdentityError):
    code = "invalid_grant"
    detail = "Ce code d'autorisation est invalide, expiré ou déjà utilisé."


class InvalidOidcRequest(IdentityError):
    code = "invalid_request"
    detail = "La demande d'authentification est invalide."


class LoginRequired(IdentityError):
    code = "login_required"
    detail = "Veuillez vous identifier à nouveau."


class NoAccess(IdentityError):
    code = "no_access"
    detail = "Vous n'avez pas accès à ce service numérique."


class InvalidToken(IdentityError):
    code = "invalid_token"
    detail = "Le jeton d'accès est invalide ou a expiré."
