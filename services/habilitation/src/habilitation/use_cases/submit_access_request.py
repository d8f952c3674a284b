"""« Demande d'accès » (guide §4): a user asks the access managers of an establishment's organisation."""

import uuid

from contracts.access_requests import AccessRequestV1
from contracts.habilitation import ActorV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.access_request import MESSAGE_MAX, AccessRequest
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import Conflict, Forbidden, InvalidInput, NoManager
from habilitation.use_cases.outgoing import Links, Outgoing
from habilitation.use_cases.ports import AccessRequests, Accounts, Clock, Directory, Habilitations, ManagerRights
from habilitation.use_cases.views import access_request_v1


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
    ) -> None:
        self._requests = requests
        self._rights = rights
        self._habilitations = habilitations
        self._accounts = accounts
        self._directory = directory
        self._links = links
        self._clock = clock

    async def __call__(
        self, actor: ActorV1, service: str, siret: str, message: str | None, context: MessageContext
    ) -> AccessRequestV1:
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
        if actor.kind != "user" or actor.siren != establishment.siren:
            raise Forbidden("Vous ne pouvez demander l'accès qu'aux établissements de votre structure.")
        held = await self._habilitations.of_account(actor.account_id)
        today = self._clock().date()
        if any(h.service == service and h.siren == establishment.siren and h.allows(today) for h in held):
            raise Conflict("Vous avez déjà accès à ce service pour cette structure.")
        managers = await self._rights.managers_of(establishment.siren)
        if not managers:
            raise NoManager()
        requester = await self._accounts.get(actor.account_id)
        if requester is None:
            raise InvalidInput("Votre compte n'est pas encore connu de ce service. Réessayez dans un instant.")
        now = self._clock()
        request = AccessRequest.submit(
            id=str(uuid.uuid4()),
            account_id=actor.account_id,
            service=service,
            siren=establishment.siren,
            siret=establishment.siret,
            message=text,
            created_at=now,
            last_sent_at=now,
            organisation_name=establishment.organisation_name,
            establishment_name=establishment.name,
        )
        outgoing = Outgoing(context)
        outgoing.request_events(request)
        manager_accounts = await self._accounts.many([m.account_id for m in managers])
        outgoing.request_to_managers(request, requester, list(manager_accounts.values()), self._links, resent=False)
        await self._requests.add(request, outgoing.messages)
        return access_request_v1(request, {requester.account_id: requester})
