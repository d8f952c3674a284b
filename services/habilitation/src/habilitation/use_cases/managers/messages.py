"""A manager right's public events."""

from contracts.habilitation import ManagerRightGrantedV1
from efp_runtime.outbox import Outgoing
from habilitation.domain.manager_right import ManagerRight, RightGranted
from habilitation.use_cases.managers.views import manager_right_v1


def right_events(outgoing: Outgoing, right: ManagerRight, granted_by_name: str | None = None) -> None:
    """`ManagerRightGrantedV1` for the grant (or re-grant, or charter accepted) the right went through here."""
    for event in right.events:
        if isinstance(event, RightGranted):
            outgoing.event(ManagerRightGrantedV1(right=manager_right_v1(right, granted_by_name)))
    right.events.clear()
