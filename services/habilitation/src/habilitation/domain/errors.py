"""Refusals of the habilitation domain: a stable machine code and the French text shown to the user."""


class HabilitationError(Exception):
    code = "habilitation_error"
    detail = "La demande n'a pas pu être traitée."

    def __init__(
        self,
        detail: str | None = None,
        field: str | None = None,
        *,
        retry_after_seconds: int | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.detail)
        if detail:
            self.detail = detail
        self.field = field
        self.retry_after_seconds = retry_after_seconds
        # Machine-readable details a client needs (e.g. `resendable_at`).
        self.extra = extra or {}


class InvalidInput(HabilitationError):
    code = "validation_error"
    detail = "Les informations saisies sont invalides."


class NotFound(HabilitationError):
    code = "not_found"
    detail = "Cet élément est introuvable."


class Forbidden(HabilitationError):
    code = "forbidden"
    detail = "Vous n'avez pas les droits pour effectuer cette action."


class Conflict(HabilitationError):
    code = "conflict"
    detail = "Cette demande est en conflit avec une autre."


class Stale(Conflict):
    """Someone else (a sweep, another manager) changed the aggregate between its read and our write."""


class TooEarly(HabilitationError):
    code = "too_early"
    detail = "Il est trop tôt pour relancer."


class WrongState(HabilitationError):
    code = "wrong_state"
    detail = "Cette action n'est plus possible dans l'état actuel."


class NoManager(HabilitationError):
    code = "no_access_manager"
    detail = (
        "Votre structure n'a pas encore de responsable des accès. "
        "Contactez votre DREETS (Direction régionale) pour obtenir un code d'activation."
    )


class LastManager(HabilitationError):
    code = "last_manager"
    detail = "Vous ne pouvez pas retirer le dernier responsable des accès de la structure."


class RateLimited(HabilitationError):
    code = "rate_limited"
    detail = "Trop de tentatives. Veuillez réessayer plus tard."


class InvalidActivationCode(HabilitationError):
    code = "invalid_activation_code"
    detail = "Le code d'activation ou le SIRET saisi est incorrect."
