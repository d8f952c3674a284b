"""The access-manager charter in force, the one POST /activations shows and accept-charter records."""

from contracts import habilitation_management as hm
from contracts.activation import CharterV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.catalogue import CHARTER_VERSION
from habilitation.use_cases.activation.ports import CharterText


class GetCharter:
    def __init__(self, texts: CharterText) -> None:
        self._texts = texts

    async def __call__(self, command: hm.GetCharterV1, context: MessageContext) -> CharterV1:
        return CharterV1(version=CHARTER_VERSION, text=self._texts.text(CHARTER_VERSION))
