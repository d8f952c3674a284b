"""Refusals of the identity domain: a code spelled once in contracts.errors, and the French text shown to the user."""

from contracts.errors import ErrorCode
from efp_runtime.refusal import Refusal


class IdentityError(Refusal):
    """The base of identity's refusals (efp-ops catches it); each subclass names its code."""


class InvalidInput(IdentityError):
    code = ErrorCode.VALIDATION_ERROR
    detail = "Les informations saisies sont invalides."


class InvalidCaptcha(IdentityError):
    code = ErrorCode.INVALID_CAPTCHA
    detail = "Le code de sécurité saisi est incorrect ou a expiré. Veuillez saisir le nouveau code affiché."


class NotFound(IdentityError):
    code = ErrorCode.NOT_FOUND
    detail = "Cette demande est introuvable."


class InvalidCode(IdentityError):
    code = ErrorCode.INVALID_CODE
    detail = "Le code de validation saisi est incorrect."


class CodeExpired(IdentityError):
    code = ErrorCode.CODE_EXPIRED
    detail = "Le code de validation a expiré. Demandez l'envoi d'un nouveau code."


class TooManyAttempts(IdentityError):
    code = ErrorCode.TOO_MANY_ATTEMPTS
    detail = "Trop de codes incorrects ont été saisis. Demandez l'envoi d'un nouveau code."


class RegistrationExpired(IdentityError):
    code = ErrorCode.REGISTRATION_EXPIRED
    detail = "Votre demande de création de compte a expiré. Veuillez recommencer."


class WrongStep(IdentityError):
    code = ErrorCode.WRONG_STEP
    detail = "Cette étape de la création de compte n'est pas disponible. Veuillez suivre les étapes dans l'ordre."


class Conflict(IdentityError):
    code = ErrorCode.CONFLICT
    detail = "La demande a été modifiée entre-temps. Veuillez réessayer."


class SharedMailbox(IdentityError):
    code = ErrorCode.SHARED_MAILBOX
    detail = "Pour des raisons de sécurité, il est interdit d'utiliser une adresse e-mail partagée."


class WeakPassword(IdentityError):
    code = ErrorCode.WEAK_PASSWORD
    detail = "Le mot de passe ne respecte pas les règles de sécurité."


class RateLimited(IdentityError):
    code = ErrorCode.RATE_LIMITED
    detail = "Trop de tentatives. Veuillez réessayer plus tard."


class TooEarly(IdentityError):
    code = ErrorCode.TOO_EARLY
    detail = "Un code vient de vous être envoyé. Veuillez patienter avant d'en demander un nouveau."


class InvalidCredentials(IdentityError):
    code = ErrorCode.INVALID_CREDENTIALS
    detail = "Identifiant ou mot de passe incorrect."


class Unauthenticated(IdentityError):
    code = ErrorCode.UNAUTHENTICATED
    detail = "Votre session a expiré. Veuillez vous identifier à nouveau."


class AccountExists(IdentityError):
    code = ErrorCode.CONFLICT
    detail = "Un compte EFP Connect existe déjà pour cette adresse e-mail."


# --- Second factor (TOTP, passkeys, recovery codes) --------------------------------------------


class SecondFactorPending(IdentityError):
    code = ErrorCode.SECOND_FACTOR_PENDING
    detail = "Veuillez terminer votre connexion avec votre double authentification."


class StepUpRequired(IdentityError):
    code = ErrorCode.STEP_UP_REQUIRED
    detail = "Pour cette action, confirmez votre identité avec votre double authentification."


class SecondFactorRequired(IdentityError):
    code = ErrorCode.SECOND_FACTOR_REQUIRED
    detail = "Pour utiliser vos droits, configurez d'abord la double authentification depuis « Mon compte »."


class CsrfFailed(IdentityError):
    """The pending session's CSRF token, checked by identity (the gateway cannot authenticate that session)."""

    code = ErrorCode.CSRF_FAILED
    detail = "Jeton de sécurité (CSRF) absent ou invalide. Rechargez la page."


class PasskeyUnavailable(IdentityError):
    """No passkey to ask for, or no challenge to answer (expired, or spent by an earlier answer): start
    again. Not a guess, so not counted against the budgets of wrong codes."""

    code = ErrorCode.INVALID_CODE
    detail = "La vérification par clé d'accès a expiré. Veuillez recommencer."


class WrongSecondFactor(IdentityError):
    """A TOTP or recovery code that does not match, or one already used; a passkey not verified."""

    code = ErrorCode.INVALID_CODE
    detail = "Le code saisi est incorrect."


# --- OpenID Connect: the codes are OAuth 2.0's, so the gateway passes them on as they are ----------


class UnknownClient(IdentityError):
    code = ErrorCode.UNKNOWN_CLIENT
    detail = "L'application qui vous a envoyé ici n'est pas connue d'EFP Connect."


class InvalidRedirectUri(IdentityError):
    code = ErrorCode.INVALID_REDIRECT_URI
    detail = "L'adresse de retour demandée n'est pas enregistrée pour cette application."


class InvalidClient(IdentityError):
    code = ErrorCode.INVALID_CLIENT
    detail = "Authentification de l'application refusée."


class InvalidGrant(IdentityError):
    code = ErrorCode.INVALID_GRANT
    detail = "Ce code d'autorisation est invalide, expiré ou déjà utilisé."


class InvalidOidcRequest(IdentityError):
    code = ErrorCode.INVALID_REQUEST
    detail = "La demande d'authentification est invalide."


class LoginRequired(IdentityError):
    code = ErrorCode.LOGIN_REQUIRED
    detail = "Veuillez vous identifier à nouveau."


class NoAccess(IdentityError):
    code = ErrorCode.NO_ACCESS
    detail = "Vous n'avez pas accès à ce service numérique."


class InvalidToken(IdentityError):
    code = ErrorCode.INVALID_TOKEN
    detail = "Le jeton d'accès est invalide ou a expiré."
