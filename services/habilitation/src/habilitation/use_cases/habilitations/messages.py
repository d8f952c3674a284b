"""The e-mail telling a holder which habilitations they were granted, whatever the door they came through."""

from contracts.habilitation import HabilitationGrantV1
from contracts.notification import AccessGrantedV1, HabilitationSummaryV1
from efp_runtime.outbox import Outgoing
from habilitation.domain.catalogue import SERVICES, role_label
from habilitation.use_cases.links import Links
from habilitation.use_cases.ports import AccountCopy, Establishment


def access_granted(
    outgoing: Outgoing,
    holder: AccountCopy,
    siren: str,
    habilitations: list[HabilitationGrantV1],
    names: dict[str, Establishment],
    links: Links,
    after_request: bool,
) -> None:
    service = habilitations[0].service
    summaries = grant_summaries(habilitations, names)
    content = AccessGrantedV1(
        service_label=SERVICES[service].label,
        habilitations=summaries,
        after_access_request=after_request,
        link=SERVICES[service].url,
        habilitations_link=links.my_habilitations(),
    )
    outgoing.email(holder.email, content, account_id=holder.account_id, siren=siren)


def grant_summaries(
    grants: list[HabilitationGrantV1], establishments: dict[str, Establishment]
) -> tuple[HabilitationSummaryV1, ...]:
    """How an e-mail lists habilitations: the role's label, the establishment's name, the end date."""
    return tuple(
        HabilitationSummaryV1(
            role_label=role_label(g.service, g.role),
            establishment_name=establishments[g.siret].name if g.siret in establishments else g.siret,
            siret=g.siret,
            end_date=g.end_date,
        )
        for g in grants
    )
