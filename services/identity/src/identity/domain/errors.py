"""Refusals of the identity domain: a stable machine code and the French text shown to the user."""


class IdentityError(Exception):
    code = "identity_error"
    detail = "La demande n'a pas pu être traitée."

    def __init__(self, detail: str | None = None, field: str | None = None) -> None:
        super().__init__(detail or self.detail)
        if detail:
            self.detail = detail
        self.field = field


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
