"""The one base of every service's domain refusals, so one mapper turns any of them into an RPC error.

A refusal is an expected answer (the user typed a wrong code, the request was already decided), not a
failure: it carries a stable machine code, the French text shown to the user and, when it concerns one
field, that field.
"""

from typing import ClassVar

from contracts.errors import ErrorCode


class Refusal(Exception):
    code: ClassVar[ErrorCode] = ErrorCode.REFUSED
    detail: str = "La demande n'a pas pu être traitée."

    def __init__(
        self,
        detail: str | None = None,
        field: str | None = None,
        *,
        errors: list[tuple[str, str]] | None = None,
        retry_after_seconds: int | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.detail)
        if detail:
            self.detail = detail
        self.field = field
        # (field, French message) pairs: the one field's, or several when several rules failed at once.
        self.errors = errors or ([(field, self.detail)] if field else [])
        self.retry_after_seconds = retry_after_seconds
        # Machine-readable details a client needs (e.g. `resendable_at`).
        self.extra = extra or {}
