"""The CGU of a digital service in the version its users accept (public: read before signing up)."""

from contracts import habilitation_management as hm
from contracts.habilitation_management import TermsV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import NotFound
from habilitation.use_cases.catalogue.ports import TermsText


class GetTerms:
    def __init__(self, texts: TermsText) -> None:
        self._texts = texts

    async def __call__(self, command: hm.GetTermsV1, context: MessageContext) -> TermsV1:
        service = command.service
        found = SERVICES.get(service)
        if found is None:
            raise NotFound("Ce service numérique n'existe pas.")
        # The version here is the one AcceptTerms records: what is shown is what is accepted.
        return TermsV1(
            service=found.code, version=found.terms_version, text=self._texts.text(found.code, found.terms_version)
        )
