"""The active habilitations, page by page in id order: the snapshot the gateway's copy starts from,
or that of one establishment for a system that starts following the habilitation events."""

from contracts import authorizations as az
from contracts.authorizations import ActiveHabilitationsV1, ActiveHabilitationV1
from efp_runtime.message_context import MessageContext
from habilitation.use_cases.habilitations.ports import ActiveHabilitations


class ListActiveHabilitations:
    def __init__(self, active: ActiveHabilitations) -> None:
        self._active = active

    async def __call__(self, command: az.ListActiveHabilitationsV1, context: MessageContext) -> ActiveHabilitationsV1:
        # Those past their end date but not swept yet come too: the copy refuses them by date, as `allows` does.
        if command.siret is None:
            page = await self._active.page(command.after_id, command.limit)
        else:
            page = await self._active.page_of_establishment(command.siret, command.after_id, command.limit)
        return ActiveHabilitationsV1(
            habilitations=[
                ActiveHabilitationV1(
                    id=h.id, account_id=h.account_id, service=h.service, role=h.role, siret=h.siret, end_date=h.end_date
                )
                for h in page
            ],
            next_after_id=page[-1].id if len(page) == command.limit else None,
        )
