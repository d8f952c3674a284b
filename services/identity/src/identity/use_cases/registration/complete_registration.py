"""Sign-up step 5: the organisation, the CGU accepted → the account exists, and a confirmation e-mail.

The account and the registration are two documents: the account is written first and
remembers its registration, so a crash before the registration is marked completed is
finished by the next attempt instead of creating a second account.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.accounts import AccountCreatedReplyV1, CompleteRegistrationV1
from efp_runtime.message_context import MessageContext, new_id
from efp_runtime.outbox import Outgoing
from identity.domain import person
from identity.domain.account import Account, AccountKind
from identity.domain.errors import InvalidInput
from identity.domain.frontend_links import FrontendLinks
from identity.domain.organisation import compact_number, is_valid_siren
from identity.use_cases.accounts import messages as accounts
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.organisations.ports import OrganisationDirectory
from identity.use_cases.registration.find_registration import find_registration
from identity.use_cases.registration.messages import PRODUCER, welcome
from identity.use_cases.registration.ports import RegistrationRepository

logger = logging.getLogger(__name__)


class CompleteRegistration:
    def __init__(
        self,
        registrations: RegistrationRepository,
        accounts: AccountRepository,
        organisations: OrganisationDirectory,
        clock: Callable[[], datetime],
        links: FrontendLinks,
    ) -> None:
        self._registrations = registrations
        self._accounts = accounts
        self._organisations = organisations
        self._clock = clock
        self._links = links

    async def __call__(self, request: CompleteRegistrationV1, context: MessageContext) -> AccountCreatedReplyV1:
        if not request.accept_terms:
            raise InvalidInput("Vous devez accepter les conditions générales d'utilisation.", field="accept_terms")
        try:
            title = person.job_title(request.job_title)
        except person.InvalidField as invalid:
            raise InvalidInput(invalid.message, field=invalid.field) from invalid
        siren = compact_number(request.siren)
        if siren is None or not is_valid_siren(siren):
            raise InvalidInput("Le numéro SIREN doit comporter 9 chiffres et être valide.", field="siren")
        registration = await find_registration(self._registrations, request.registration_id)
        now = self._clock()
        registration.complete(now)  # refuses a wrong step or an expired registration, before any write
        if not await self._organisations.offered_organisations([siren]):
            raise InvalidInput(
                "Cette entreprise est introuvable. Recherchez-la par raison sociale ou SIREN.", field="siren"
            )
        account = await self._accounts.by_registration(registration.id)
        if account is None:
            # Step 5 follows steps 3 and 4: the machine guarantees these are set.
            assert registration.password_hash is not None
            assert registration.last_name is not None
            assert registration.first_name is not None
            account = Account.open(
                id=new_id(),
                email=registration.email,
                kind=AccountKind.USER,
                password_hash=registration.password_hash,
                civility=registration.civility,
                last_name=registration.last_name,
                first_name=registration.first_name,
                job_title=title,
                siren=siren,
                created_at=now,
                registration_id=registration.id,
            )
            out = Outgoing(PRODUCER, context)
            accounts.announce(account, out, now)
            welcome(account, out, self._links)
            await self._accounts.add(account, out.messages)
            logger.info("account %s created from registration %s", account.id, registration.id)
        await self._registrations.update(registration, [])
        return AccountCreatedReplyV1(account_id=account.id)
