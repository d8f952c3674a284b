"""The gateway's copy of the active habilitations, in memory, for authorization checks: no I/O here.

A cache of the habilitation service's public events, not data the gateway owns: it decides nothing
but « is there an active habilitation for this key whose end date is not reached », the rule of
`Habilitation.allows`, and the habilitation service stays the authority (its answer is asked for
while this copy loads).

Granting and ending commute here. Revoked and expired are final states, so an id once ended stays
ended (a tombstone) and a late or redelivered `granted` cannot bring it back. Events are therefore
idempotent and their order does not matter, which is what lets a replica load a snapshot while
events keep arriving: the grants seen during the load are journaled and laid over the snapshot,
and the tombstones win over both.
"""

from collections.abc import Iterable
from datetime import date

from contracts.authorizations import ActiveHabilitationV1, AuthorizationV1

# (account_id, service, role, siret): what a caller asks about.
Key = tuple[str, str, str, str]
REFUSED = AuthorizationV1(allowed=False)


def key_of(habilitation: ActiveHabilitationV1) -> Key:
    return (habilitation.account_id, habilitation.service, habilitation.role, habilitation.siret)


class AuthorizationModel:
    def __init__(self) -> None:
        # Several ids may share a key: one past its end date but not swept yet, and its successor.
        self._by_key: dict[Key, dict[str, date | None]] = {}
        self._key_of: dict[str, Key] = {}
        # Ids ended since this process started; a reload does not need older ones (the store knows).
        self._ended: set[str] = set()
        self._journal: list[ActiveHabilitationV1] | None = None
        self.loaded = False

    def granted(self, habilitation: ActiveHabilitationV1) -> None:
        if self._journal is not None:
            self._journal.append(habilitation)
        self._add(habilitation)

    def ended(self, habilitation_id: str) -> None:
        """Revoked or expired: gone for good."""
        self._ended.add(habilitation_id)
        key = self._key_of.pop(habilitation_id, None)
        if key is not None:
            held = self._by_key[key]
            del held[habilitation_id]
            if not held:
                del self._by_key[key]

    def begin_load(self) -> None:
        """Call after the event queue is bound and before reading the snapshot: grants are journaled from now."""
        self._journal = []

    def finish_load(self, snapshot: Iterable[ActiveHabilitationV1]) -> int:
        """Replace the copy by the snapshot plus the grants journaled since `begin_load`; returns its size.

        Until then the previous copy keeps answering, so a reload after a lost connection does not
        turn every check into a refusal.
        """
        journal, self._journal = self._journal or [], None
        self._by_key, self._key_of = {}, {}
        for habilitation in (*snapshot, *journal):
            self._add(habilitation)
        self.loaded = True
        return len(self._key_of)

    def abandon_load(self) -> None:
        self._journal = None

    def check(self, key: Key, today: date) -> AuthorizationV1:
        """Allowed by a habilitation whose end date is not reached, the longest-lasting one if several.

        As `Habilitation.allows`: on its end date a habilitation no longer allows anything.
        """
        best_id: str | None = None
        best_end: date | None = None
        for habilitation_id, end_date in self._by_key.get(key, {}).items():
            if end_date is not None and end_date <= today:
                continue
            if best_id is None or (best_end is not None and (end_date is None or end_date > best_end)):
                best_id, best_end = habilitation_id, end_date
        if best_id is None:
            return REFUSED
        return AuthorizationV1(allowed=True, habilitation_id=best_id, end_date=best_end)

    def __len__(self) -> int:
        return len(self._key_of)

    def _add(self, habilitation: ActiveHabilitationV1) -> None:
        if habilitation.id in self._ended:
            return
        key = key_of(habilitation)
        self._by_key.setdefault(key, {})[habilitation.id] = habilitation.end_date
        self._key_of[habilitation.id] = key
