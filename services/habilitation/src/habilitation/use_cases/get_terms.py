"""The CGU of a digital service in the version its users accept (public: read before signing up)."""

from typing import Protocol

from contracts.habilitation_management import TermsV1
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import NotFound


class TermsText(Protocol):
    def text(self, service: str, version: str) -> str:
        """The CGU of that service and version (Markdown)."""
        ...


class GetTerms:
    def __init__(self, texts: TermsText) -> None:
        self._texts = texts

    async def __call__(self, service: str) -> TermsV1:
        found = SERVICES.get(service)
        if found is None:
            raise NotFound("Ce service numérique n'existe pas.")
        # The version here is the one AcceptTerms records: what is shown is what is accepted.
        return TermsV1(
            service=found.code, version=found.terms_version, text=self._texts.text(found.code, found.terms_version)
        )
