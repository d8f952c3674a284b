"""Ada logged in on the fakes, asking to change her address (the e-mail change's unit tests)."""

import json
from typing import Any

from contracts.privacy import EmailChangeStepV1, StartEmailChangeV1, VerifyEmailChangeV1
from contracts.topology import SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext
from identity.domain.account import Account
from identity.domain.session import Session, session_id_of
from identity.fakes import Fakes

CONTEXT = MessageContext(message_id="m-15", correlation_id="corr-15")
PASSWORD = "Vélo-Rouge-Lac-42"
TOKEN = "token-of-the-browser"
NEW = "jeanne.dupont@exemple.fr"


class Changing(Fakes):
    def __init__(self) -> None:
        super().__init__()
        self.mine = self.use_cases().my_data
        # The code of the change a test started (`remember_code`), once the outbox is cleared.
        self.code = ""

    async def with_ada(self) -> None:
        await self.account(password_hash=f"hashed2:{PASSWORD}")
        now = self.clock()
        await self.sessions.add(Session(session_id_of(TOKEN), "a-1", "csrf", now, now, ip="192.0.2.1"), [])

    async def start(self, new_email: str = NEW, password: str = PASSWORD, token: str = TOKEN) -> EmailChangeStepV1:
        request = StartEmailChangeV1(session_token=token, new_email=new_email, password=password)
        return await self.mine.start_email_change(request, CONTEXT)

    async def verify(self, code: str, token: str = TOKEN) -> Any:
        return await self.mine.verify_email_change(VerifyEmailChangeV1(session_token=token, code=code), CONTEXT)

    def ada(self) -> Account:
        return self.accounts.accounts["a-1"]

    def emails(self) -> list[dict[str, Any]]:
        return [json.loads(m.body) for m in self.accounts.outbox if m.routing_key == SEND_EMAIL_ROUTING_KEY]

    def sent_code(self) -> str:
        """The code of the last EmailChangeCodeV1 e-mailed."""
        codes = [e["content"]["code"] for e in self.emails() if e["content"]["template"] == "email_change_code"]
        return str(codes[-1])

    def remember_code(self) -> None:
        self.code = self.sent_code()
        self.accounts.outbox.clear()

    def wrong(self, code: str) -> str:
        return f"{(int(code) + 1) % 1_000_000:06d}"
