"""An agent issues an activation code for (service, SIRET) and gets the postal letter to send.

Where the plain code lives: in the 201 reply, shown once, and in the rendered letter, kept
in a TTL-indexed collection for `LETTER_AVAILABLE_FOR` and deleted by its first download.
The code document keeps only an HMAC of it. Nothing else ever holds the plain code at rest;
a lost letter means revoking (issuing a new code does it) and sending a new one.
"""

import uuid
from collections.abc import Callable
from datetime import timedelta

from contracts import activation as a
from contracts.activation import IssuedActivationCodeV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.activation_code import (
    DEFAULT_VALIDITY_MONTHS,
    ActivationCode,
    add_months,
    generate_code,
)
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import InvalidInput
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.domain.siret import normalize_siret
from habilitation.use_cases.activation.access_control import require_agent, require_region
from habilitation.use_cases.activation.messages import code_events
from habilitation.use_cases.activation.ports import (
    ActivationCodes,
    ActivationLetters,
    CodeHasher,
    LetterContent,
    LetterRenderer,
)
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Clock, Directory

LETTER_AVAILABLE_FOR = timedelta(minutes=10)
REPLACED = "Remplacé par un nouveau code."


class IssueActivationCode:
    def __init__(
        self,
        codes: ActivationCodes,
        letters: ActivationLetters,
        directory: Directory,
        hasher: CodeHasher,
        renderer: LetterRenderer,
        clock: Clock,
        second_factor: SecondFactorPolicy,
        validity_months: int = DEFAULT_VALIDITY_MONTHS,
        generate: Callable[[], str] = generate_code,
    ) -> None:
        self._codes = codes
        self._letters = letters
        self._directory = directory
        self._hasher = hasher
        self._renderer = renderer
        self._clock = clock
        self._validity_months = validity_months
        self._generate = generate
        self._second_factor = second_factor

    async def __call__(self, command: a.IssueActivationCodeV1, context: MessageContext) -> IssuedActivationCodeV1:
        service, siret = command.service, command.siret
        require_agent(command.actor, self._second_factor)
        # Step-up: the reply reveals the code in clear.
        self._second_factor.require_fresh(command.actor, self._clock())
        known = SERVICES.get(service)
        if known is None:
            raise InvalidInput("Ce service numérique n'existe pas.", field="service")
        compact = normalize_siret(siret)
        if compact is None:
            raise InvalidInput("Le SIRET doit comporter 14 chiffres.", field="siret")
        establishment = await self._directory.establishment(compact)
        if establishment is None:
            raise InvalidInput("Cet établissement est introuvable ou fermé. Vérifiez le SIRET.", field="siret")
        require_region(command.actor, establishment)
        now = self._clock()
        # One live code per (service, SIRET): a new letter makes the previous one worthless.
        for previous in await self._codes.issued_for(service, compact):
            replaced = Outgoing(PRODUCER, context)
            if previous.is_due(now):
                previous.expire(now)
            else:
                previous.revoke(command.actor.account_id, now, REPLACED)
            code_events(replaced, previous)
            await self._codes.update(previous, replaced.messages)
        plain = self._generate()
        code = ActivationCode.issue(
            id=str(uuid.uuid4()),
            service=service,
            siret=compact,
            siren=establishment.siren,
            code_hash=self._hasher.hash(compact, plain),
            issued_by=command.actor.account_id,
            issued_at=now,
            expires_at=add_months(now, self._validity_months),
            organisation_name=establishment.organisation_name,
            establishment_name=establishment.name,
        )
        letter = LetterContent(
            reference=code.id,
            service_label=known.label,
            service_url=known.url,
            organisation_name=code.organisation_name,
            establishment_name=code.establishment_name,
            siret=compact,
            code=plain,
            issued_at=now,
            expires_at=code.expires_at,
        )
        available_until = now + LETTER_AVAILABLE_FOR
        # The letter first: if saving the code then fails, an orphan letter of a code that
        # never existed just expires.
        await self._letters.keep(code.id, command.actor.account_id, self._renderer.render(letter), available_until)
        outgoing = Outgoing(PRODUCER, context)
        code_events(outgoing, code)
        await self._codes.add(code, outgoing.messages)
        return IssuedActivationCodeV1(
            id=code.id,
            code=plain,
            service=service,
            siret=compact,
            expires_at=code.expires_at,
            letter_available_until=available_until,
        )
