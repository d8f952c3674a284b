"""Password reset, step 1 (guide §5.2): e-mail + captcha → a 6-digit code by e-mail, valid 24 hours.

The answer is the same whether the address has an account or not; only an existing
account is sent a code. An invited person with no password yet sets one this way. A new reset
supersedes the address's older ones (only the latest code may be tried), and none is started once
the address has spent its daily budget of wrong codes (use_cases.codes.code_budget).
"""

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime

from contracts.accounts import PasswordResetStepV1, RequestPasswordResetV1
from efp_runtime.message_context import MessageContext, new_id
from efp_runtime.outbox import Outgoing
from identity.domain.errors import Conflict
from identity.domain.frontend_links import FrontendLinks
from identity.domain.mailbox import normalise_email
from identity.domain.password_reset import PasswordReset
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.captcha.solve_captcha import SolveCaptcha
from identity.use_cases.codes.code_budget import ensure_code_budget
from identity.use_cases.codes.count_code_send import count_code_send
from identity.use_cases.codes.new_code import new_code
from identity.use_cases.codes.ports import RateLimiter, SecretHasher, WrongCodeLog
from identity.use_cases.passwords.messages import PRODUCER, RESET_CODES, send_code
from identity.use_cases.passwords.ports import PasswordResetRepository


class RequestPasswordReset:
    def __init__(
        self,
        resets: PasswordResetRepository,
        accounts: AccountRepository,
        solve_captcha: SolveCaptcha,
        hasher: SecretHasher,
        limiter: RateLimiter,
        wrong_codes: WrongCodeLog,
        clock: Callable[[], datetime],
        links: FrontendLinks,
    ) -> None:
        self._wrong_codes = wrong_codes
        self._resets = resets
        self._accounts = accounts
        self._solve_captcha = solve_captcha
        self._hasher = hasher
        self._limiter = limiter
        self._clock = clock
        self._links = links

    async def __call__(self, request: RequestPasswordResetV1, context: MessageContext) -> PasswordResetStepV1:
        address = normalise_email(request.email)
        await self._solve_captcha(request)
        await ensure_code_budget(self._wrong_codes, RESET_CODES, address)
        await count_code_send(self._limiter, RESET_CODES, address)
        await self._supersede_older(address)
        account = await self._accounts.by_email(address)
        reset_id, code = new_id(), new_code()
        reset = PasswordReset.request(
            reset_id, address, account.id if account else None, code, self._hasher.hash(reset_id, code), self._clock()
        )
        out = Outgoing(PRODUCER, context)
        send_code(reset, account, out, self._links, request.client_ip)
        await self._resets.add(reset, out.messages)
        return PasswordResetStepV1(reset_id=reset.id, step="verify_code")

    async def _supersede_older(self, address: str) -> None:
        now = self._clock()
        for older in await self._resets.open_of(address):
            older.supersede(now)
            # Used at this instant by its own code step: that step's own write decides.
            with suppress(Conflict):
                await self._resets.update(older, [])
