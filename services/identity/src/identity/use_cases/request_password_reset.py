"""Password reset, step 1 (guide §5.2): e-mail + captcha → a 6-digit code by e-mail, valid 24 hours.

The answer is the same whether the address has an account or not; only an existing
account is sent a code. An invited person with no password yet sets one this way.
"""

from collections.abc import Callable
from datetime import datetime

from contracts.accounts import PasswordResetStepV1
from contracts.notification import PasswordResetCodeV1, SendEmailV1
from contracts.topology import SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext, new_id
from efp_runtime.outbox import command_message
from identity.domain.password_reset import PasswordReset
from identity.use_cases.account_ports import AccountRepository, PasswordResetRepository, RateLimiter
from identity.use_cases.frontend_links import FrontendLinks
from identity.use_cases.ports import SecretHasher
from identity.use_cases.sending_limits import count_code_send
from identity.use_cases.solve_captcha import SolveCaptcha
from identity.use_cases.start_registration import new_code, normalise_email

PRODUCER = "identity"


class RequestPasswordReset:
    def __init__(
        self,
        resets: PasswordResetRepository,
        accounts: AccountRepository,
        solve_captcha: SolveCaptcha,
        hasher: SecretHasher,
        limiter: RateLimiter,
        clock: Callable[[], datetime],
        links: FrontendLinks,
    ) -> None:
        self._resets = resets
        self._accounts = accounts
        self._solve_captcha = solve_captcha
        self._hasher = hasher
        self._limiter = limiter
        self._clock = clock
        self._links = links

    async def __call__(
        self, email: str, captcha_id: str, captcha_answer: str, context: MessageContext
    ) -> PasswordResetStepV1:
        address = normalise_email(email)
        await self._solve_captcha(captcha_id, captcha_answer)
        await count_code_send(self._limiter, address)
        account = await self._accounts.by_email(address)
        reset_id, code = new_id(), new_code()
        reset = PasswordReset.request(
            reset_id, address, account.id if account else None, code, self._hasher.hash(reset_id, code), self._clock()
        )
        messages = []
        if account is not None:
            content = PasswordResetCodeV1(
                code=code,
                civility=account.civility,
                last_name=account.last_name,
                link=self._links.password_reset_code(reset.id, code),
            )
            command = SendEmailV1(to=address, content=content, account_id=account.id)
            messages.append(command_message(command, SEND_EMAIL_ROUTING_KEY, context, PRODUCER))
        await self._resets.add(reset, messages)
        return PasswordResetStepV1(reset_id=reset.id, step="verify_code")
