"""« Demande d'accès » (guide §4): a user asks the access managers of an establishment's organisation."""

import uuid

from contracts import access_requests as ar
from contracts.access_requests import AccessRequestV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.access_request import (
    DEFAULT_LIMITS,
    LOOK_BACK,
    MESSAGE_MAX,
    AccessRequest,
    RequestLimits,
    check_new_request,
)
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import Conflict, Forbidden, InvalidInput, NoManager
from habilitation.use_cases.access_requests.messages import request_events, request_to_managers
from habilitation.use_cases.access_requests.ports import AccessRequests
from habilitation.use_cases.access_requests.views import access_request_v1
from habilitation.use_cases.links import Links
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, Directory, Habilitations, ManagerRights


class SubmitAccessRequest:
    def __init__(
        self,
        requests: AccessRequests,
        rights: ManagerRights,
        habilitations: Habilitations,
        accounts: Accounts,
        directory: Directory,
        links: Links,
        clock: Clock,
        limits: RequestLimits = DEFAULT_LIMITS,
    ) -> None:
        self._limits = limits
        self._requests = requests
        self._rights = rights
        self._habilitations = habilitations
        self._accounts = accounts
        self._directory = directory
        self._links = links
        self._clock = clock

    async def __call__(self, command: ar.SubmitAccessRequestV1, context: MessageContext) -> AccessRequestV1:
        service, siret, message = command.service, command.siret, command.message
        if service not in SERVICES:
            raise InvalidInput("Ce service numérique n'existe pas.", field="service")
        text = (message or "").strip() or None
        if text is not None and len(text) > MESSAGE_MAX:
            raise InvalidInput(f"Le message ne doit pas dépasser {MESSAGE_MAX} caractères.", field="message")
        establishment = await self._directory.establishment(siret)
        if establishment is None:
            raise InvalidInput("Cet établissement est introuvable ou fermé. Vérifiez le SIRET.", field="siret")
        # Requests go to the managers of the requester's own organisation (guide §4); a person of
        # another organisation is given access by delegation, which always has an end date.
        if command.actor.kind != "user" or command.actor.siren != establishment.siren:
            raise Forbidden("Vous ne pouvez demander l'accès qu'aux établissements de votre structure.")
        held = await self._habilitations.of_account(command.actor.account_id)
        now = self._clock()
        if any(h.service == service and h.siren == establishment.siren and h.allows(now.date()) for h in held):
            raise Conflict("Vous avez déjà accès à ce service pour cette structure.")
        recent = await self._requests.recent_of_account(command.actor.account_id, now - LOOK_BACK)
        check_new_request(recent, service, establishment.siren, now, self._limits)
        managers = await self._rights.managers_of(establishment.siren)
        if not managers:
            raise NoManager()
        # The requester's copy and the managers' in one read: the e-mails need both.
        accounts = await self._accounts.many([command.actor.account_id, *(m.account_id for m in managers)])
        requester = accounts.get(command.actor.account_id)
        if requester is None:
            raise InvalidInput("Votre compte n'est pas encore connu de ce service. Réessayez dans un instant.")
        request = AccessRequest.submit(
            id=str(uuid.uuid4()),
            account_id=command.actor.account_id,
            service=service,
            siren=establishment.siren,
            siret=establishment.siret,
            message=text,
            created_at=now,
            last_sent_at=now,
            organisation_name=establishment.organisation_name,
            establishment_name=establishment.name,
        )
        outgoing = Outgoing(PRODUCER, context)
        request_events(outgoing, request)
        manager_ids = dict.fromkeys(m.account_id for m in managers)  # once each, as a read of their ids gave
        manager_accounts = [accounts[account_id] for account_id in manager_ids if account_id in accounts]
        request_to_managers(outgoing, request, requester, manager_accounts, self._links, resent=False)
        await self._requests.add(request, outgoing.messages)
        return access_request_v1(request, {requester.account_id: requester})
