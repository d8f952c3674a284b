"""The sweeper's part for habilitations: end dates reached lapse; holders and managers are warned 7 days before."""

import logging
from datetime import date, datetime, timedelta
from typing import Literal

from contracts.habilitation import HabilitationExpiredV1
from contracts.notification import HabilitationEndedV1, HabilitationEndingSoonV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage, Outgoing
from habilitation.domain.catalogue import SERVICES, role_label
from habilitation.domain.errors import Conflict
from habilitation.use_cases.habilitations.ports import EndingHabilitation, HabilitationSweep
from habilitation.use_cases.habilitations.views import habilitation_v1
from habilitation.use_cases.links import Links
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, Directory, Establishment, Habilitations, ManagerRights

WARN_BEFORE = timedelta(days=7)
BATCH = 100
logger = logging.getLogger(__name__)


class SweepHabilitations:
    def __init__(
        self,
        sweep: HabilitationSweep,
        habilitations: Habilitations,
        rights: ManagerRights,
        accounts: Accounts,
        directory: Directory,
        links: Links,
        clock: Clock,
    ) -> None:
        self._sweep = sweep
        self._habilitations = habilitations
        self._rights = rights
        self._accounts = accounts
        self._directory = directory
        self._links = links
        self._clock = clock

    async def __call__(self) -> int:
        """One pass; returns how many habilitations lapsed or were warned. Safe in several replicas at once."""
        now = self._clock()
        names: dict[str, dict[str, Establishment]] = {}  # establishments per organisation, for this pass
        lapsed = await self._lapse(now, names)
        warned = await self._warn(now, names)
        if lapsed or warned:
            logger.info("%d habilitation(s) lapsed, %d ending soon warned", lapsed, warned)
        return lapsed + warned

    async def _lapse(self, now: datetime, names: dict[str, dict[str, Establishment]]) -> int:
        lapsed = 0
        while ids := await self._sweep.reached_end(now.date(), BATCH):
            done = 0
            for habilitation_id in ids:
                habilitation = await self._habilitations.get(habilitation_id)
                if habilitation is None or not habilitation.lapse(now.date(), now):
                    continue
                accounts = await self._accounts.many([habilitation.account_id, habilitation.granted_by])
                outgoing = Outgoing(PRODUCER, MessageContext.fresh())
                outgoing.event(HabilitationExpiredV1(habilitation=habilitation_v1(habilitation, accounts)))
                holder = accounts.get(habilitation.account_id)
                if holder is not None:
                    establishment = (await self._establishments(habilitation.siren, names)).get(habilitation.siret)
                    content = HabilitationEndedV1(
                        kind="expired",
                        service_label=SERVICES[habilitation.service].label,
                        role_label=role_label(habilitation.service, habilitation.role),
                        establishment_name=establishment.name if establishment else habilitation.siret,
                        siret=habilitation.siret,
                        ended_on=habilitation.end_date or now.date(),
                        link=self._links.my_habilitations(),
                    )
                    outgoing.email(holder.email, content, account_id=holder.account_id, siren=habilitation.siren)
                try:
                    await self._habilitations.update(habilitation, outgoing.messages)
                except Conflict:
                    continue  # revoked or lapsed by another replica meanwhile: that write stands
                done += 1
            lapsed += done
            if done == 0 or len(ids) < BATCH:
                break  # what is left keeps failing: the next pass tries again
        return lapsed

    async def _warn(self, now: datetime, names: dict[str, dict[str, Establishment]]) -> int:
        warned = 0
        today = now.date()
        while ending := await self._sweep.ending_unwarned(today, today + WARN_BEFORE, BATCH):
            done = 0
            for habilitation in ending:
                messages = await self._warnings(habilitation, today, names)
                # The record and its e-mails are one guarded write: of two replicas, one sends.
                if messages is not None and await self._sweep.record_warning(habilitation, now, messages):
                    done += 1
            warned += done
            if done == 0 or len(ending) < BATCH:
                break
        return warned

    async def _warnings(
        self, habilitation: EndingHabilitation, today: date, names: dict[str, dict[str, Establishment]]
    ) -> list[OutboxMessage] | None:
        """The e-mails to the holder and to every other active manager; None if the holder is unknown yet."""
        holder = await self._accounts.get(habilitation.account_id)
        if holder is None:
            return None
        managers = [r.account_id for r in await self._rights.managers_of(habilitation.siren)]
        manager_accounts = await self._accounts.many([m for m in managers if m != habilitation.account_id])
        establishment = (await self._establishments(habilitation.siren, names)).get(habilitation.siret)
        service = SERVICES[habilitation.service]

        def ending_soon(audience: Literal["holder", "manager"], link: str) -> HabilitationEndingSoonV1:
            return HabilitationEndingSoonV1(
                audience=audience,
                service_label=service.label,
                holder_first_name=holder.first_name,
                holder_last_name=holder.last_name,
                organisation_name=establishment.organisation_name if establishment else habilitation.siren,
                role_label=role_label(habilitation.service, habilitation.role),
                establishment_name=establishment.name if establishment else habilitation.siret,
                siret=habilitation.siret,
                end_date=habilitation.end_date,
                days_left=(habilitation.end_date - today).days,
                link=link,
            )

        outgoing = Outgoing(PRODUCER, MessageContext.fresh())
        outgoing.email(
            holder.email, ending_soon("holder", service.url), account_id=holder.account_id, siren=habilitation.siren
        )
        manager_page = self._links.user(habilitation.account_id)
        for manager in manager_accounts.values():
            content = ending_soon("manager", manager_page)
            outgoing.email(
                manager.email,
                content,
                account_id=manager.account_id,
                siren=habilitation.siren,
                mentions=[habilitation.account_id],
            )
        return outgoing.messages

    async def _establishments(self, siren: str, names: dict[str, dict[str, Establishment]]) -> dict[str, Establishment]:
        if siren not in names:
            names[siren] = {e.siret: e for e in await self._directory.establishments(siren)}
        return names[siren]
