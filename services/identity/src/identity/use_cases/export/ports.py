"""What the export reads beyond the other use cases' ports: every session document of an account."""

from dataclasses import dataclass
from typing import Protocol

from identity.domain.session import Session


@dataclass(frozen=True)
class SessionRecord:
    session: Session
    # The relying parties (OpenID Connect client ids) the person signed in to through this session.
    client_ids: tuple[str, ...] = ()


class SessionHistory(Protocol):
    async def of_account(self, account_id: str) -> list[SessionRecord]:
        """Every session document the account still has (open, ended, replaced), newest first."""
        ...
