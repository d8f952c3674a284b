"""Refusals of the habilitation domain: a stable machine code (spelled once in contracts) and the French text."""

from contracts.errors import ErrorCode
from efp_runtime.refusal import Refusal


class HabilitationError(Refusal):
    """The base of this service's refusals (the code and its HTTP status come from `ErrorCode`)."""


class InvalidInput(HabilitationError):
    code = ErrorCode.VALIDATION_ERROR
    detail = "Les informations saisies sont invalides."


class NotFound(HabilitationError):
    code = ErrorCode.NOT_FOUND
    detail = "Cet élément est introuvable."


class Forbidden(HabilitationError):
    code = ErrorCode.FORBIDDEN
    detail = "Vous n'avez pas les droits pour effectuer cette action."


class Conflict(HabilitationError):
    code = ErrorCode.CONFLICT
    detail = "Cette demande est en conflit avec une autre."


class Stale(Conflict):
    """Someone else (a sweep, another manager) changed the aggregate between its read and our write."""


class TooEarly(HabilitationError):
    code = ErrorCode.TOO_EARLY
    detail = "Il est trop tôt pour relancer."


class WrongState(HabilitationError):
    code = ErrorCode.WRONG_STATE
    detail = "Cette action n'est plus possible dans l'état actuel."


class NoManager(HabilitationError):
    code = ErrorCode.NO_ACCESS_MANAGER
    detail = (
        "Votre structure n'a pas encore de responsable des accès. "
        "Contactez votre DREETS (Direction régionale) pour obtenir un code d'activation."
    )


class LastManager(HabilitationError):
    code = ErrorCode.LAST_MANAGER
    detail = "Vous ne pouvez pas retirer le dernier responsable des accès de la structure."


class RateLimited(HabilitationError):
    code = ErrorCode.RATE_LIMITED
    detail = "Trop de tentatives. Veuillez réessayer plus tard."


class InvalidActivationCode(HabilitationError):
    code = ErrorCode.INVALID_ACTIVATION_CODE
    detail = "Le code d'activation ou le SIRET saisi est incorrect."


class SecondFactorRequired(HabilitationError):
    code = ErrorCode.SECOND_FACTOR_REQUIRED
    detail = "Pour utiliser vos droits, configurez d'abord la double authentification depuis « Mon compte »."


class StepUpRequired(HabilitationError):
    code = ErrorCode.STEP_UP_REQUIRED
    detail = "Pour cette action, confirmez votre identité avec votre double authentification."
