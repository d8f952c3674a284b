"""How a manager right appears on the wire."""

from contracts.habilitation import ManagerRightV1
from habilitation.domain.manager_right import ManagerRight


def manager_right_v1(right: ManagerRight, granted_by_name: str | None = None) -> ManagerRightV1:
    return ManagerRightV1(
        account_id=right.account_id,
        siren=right.siren,
        granted_by=right.granted_by,
        granted_by_name=granted_by_name,  # by code: no person granted it
        granted_at=right.granted_at,
        via="manager" if right.via == "manager" else "activation_code",
    )
