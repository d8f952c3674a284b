"""`PATCH /api/v1/me`: civilité, nom, prénom, poste, téléphone (the e-mail cannot change here)."""

from collections.abc import Callable
from datetime import datetime

from contracts.accounts import AccountProfileV1, UpdateProfileV1
from efp_runtime.message_context import MessageContext
from identity.domain import person
from identity.domain.account import PROFILE_FIELDS
from identity.domain.errors import InvalidInput, NotFound
from identity.use_cases.accounts.messages import announced
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.accounts.views import profile_of

_VALIDATORS: dict[str, Callable[[str | None], str | None]] = {
    "civility": lambda v: person.civility(v or ""),
    "last_name": lambda v: person.person_name(v or "", "last_name"),
    "first_name": lambda v: person.person_name(v or "", "first_name"),
    "job_title": person.job_title,
    "phone": person.french_phone,
}


class UpdateProfile:
    def __init__(self, accounts: AccountRepository, clock: Callable[[], datetime]) -> None:
        self._accounts = accounts
        self._clock = clock

    async def __call__(self, request: UpdateProfileV1, context: MessageContext) -> AccountProfileV1:
        validated = validated_changes(request.changes)
        account = await self._accounts.get(request.account_id)
        if account is None:
            raise NotFound("Ce compte est introuvable.")
        changed = account.update_profile(validated, self._clock())
        if changed:
            await self._accounts.update(account, announced(account, context))
        return profile_of(account)


def validated_changes(changes: dict[str, str | None]) -> dict[str, str | None]:
    errors: list[tuple[str, str]] = []
    validated: dict[str, str | None] = {}
    for name, value in changes.items():
        if name not in PROFILE_FIELDS:
            errors.append((name, "Ce champ ne peut pas être modifié."))
            continue
        try:
            validated[name] = _VALIDATORS[name](value)
        except person.InvalidField as invalid:
            errors.append((invalid.field, invalid.message))
    if errors:
        raise InvalidInput(errors[0][1], field=errors[0][0], errors=errors)
    return validated
