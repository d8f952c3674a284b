"""How a habilitation appears on the wire, with names resolved from the account copies."""

from contracts.habilitation import HabilitationV1
from habilitation.domain.catalogue import role_label
from habilitation.domain.habilitation import Habilitation
from habilitation.use_cases.ports import AccountCopy


def habilitation_v1(h: Habilitation, accounts: dict[str, AccountCopy]) -> HabilitationV1:
    granter = accounts.get(h.granted_by)
    return HabilitationV1(
        id=h.id,
        account_id=h.account_id,
        service=h.service,
        role=h.role,
        role_label=role_label(h.service, h.role),
        siret=h.siret,
        siren=h.siren,
        end_date=h.end_date,
        granted_by=h.granted_by,
        granted_by_name=granter.display_name if granter else None,
        granted_at=h.granted_at,
        via=h.via.value,
        state=h.state.value,
    )
