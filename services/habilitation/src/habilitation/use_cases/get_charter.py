"""The access-manager charter in force, the one POST /activations shows and accept-charter records."""

from contracts.activation import CharterV1
from habilitation.domain.catalogue import CHARTER_VERSION
from habilitation.use_cases.activation_ports import CharterText


class GetCharter:
    def __init__(self, texts: CharterText) -> None:
        self._texts = texts

    async def __call__(self) -> CharterV1:
        return CharterV1(version=CHARTER_VERSION, text=self._texts.text(CHARTER_VERSION))
