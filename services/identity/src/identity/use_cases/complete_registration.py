"""Sign-up step 5: the organisation, the CGU accepted → the account exists, and a confirmation e-mail.

The account and the registration are two documents: the account is written first and
remembers its registration, so a crash before the registration is marked completed is
finished by the next attempt instead of creating a second account.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.accounts import AccountCreatedReplyV1
from contracts.notification import AccountCreatedEmailV1, SendEmailV1
from contracts.topology import SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext, new_id
from efp_runtime.outbox import command_message, event_message
from identity.domain import person
from identity.domain.account import Account, AccountKind
from identity.domain.errors import InvalidInput
from identity.domain.organisation import compact_number, is_valid_siren
from identity.use_cases.account_ports import AccountRepository
from identity.use_cases.account_views import created_event
from identity.use_cases.directory_ports import OrganisationDirectory
from identity.use_cases.find_registration import find_registration
from identity.use_cases.frontend_links import FrontendLinks
from identity.use_cases.ports import RegistrationRepository

PRODUCER = "identity"
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

    async def __call__(
        self,
        registration_id: str,
        siren: str,
        job_title: str | None,
        accept_terms: bool,
        context: MessageContext,
    ) -> AccountCreatedReplyV1:
        if not accept_terms:
            raise InvalidInput("Vous devez accepter les conditions générales d'utilisation.", field="accept_terms")
        try:
            title = person.job_title(job_title)
        except person.InvalidField as invalid:
            raise InvalidInput(invalid.message, field=invalid.field) from invalid
        number = compact_number(siren)
        if number is None or not is_valid_siren(number):
            raise InvalidInput("Le numéro SIREN doit comporter 9 chiffres et être valide.", field="siren")
        siren = number
        registration = await find_registration(self._registrations, registration_id)
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
            email = AccountCreatedEmailV1(
                civility=account.civility,
                last_name=account.last_name,
                first_name=account.first_name,
                link=self._links.login(),
            )
            await self._accounts.add(
                account,
                [
                    event_message(created_event(account), context, PRODUCER),
                    command_message(
                        SendEmailV1(to=account.email, content=email, account_id=account.id, siren=siren),
                        SEND_EMAIL_ROUTING_KEY,
                        context,
                        PRODUCER,
                    ),
                ],
            )
            logger.info("account %s created from registration %s", account.id, registration.id)
        await self._registrations.update(registration, [])
        return AccountCreatedReplyV1(account_id=account.id)
