"""The ports of the catalogue's texts and of the CGU acceptances; adapters implement them."""

from datetime import datetime
from typing import Protocol


class TermsText(Protocol):
    def text(self, service: str, version: str) -> str:
        """The CGU of that service and version (Markdown)."""
        ...


class TermsAcceptances(Protocol):
    async def record(self, account_id: str, service: str, version: str, at: datetime) -> None: ...
