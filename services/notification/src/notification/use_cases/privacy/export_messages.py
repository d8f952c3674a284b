"""« Exporter mes données », its e-mail part: every e-mail kept about the account, newest first."""

from contracts.privacy import ExportMessagesDataV1, MessagesDataV1
from efp_runtime.message_context import MessageContext
from notification.domain.email import Email
from notification.use_cases.history.list_messages import message_of
from notification.use_cases.ports import EmailRepository

# Read page by page on the account's history index, as the message history does.
PAGE = 500


class ExportMessagesData:
    def __init__(self, emails: EmailRepository) -> None:
        self._emails = emails

    async def __call__(self, request: ExportMessagesDataV1, context: MessageContext) -> MessagesDataV1:
        found: list[Email] = []
        while page := await self._emails.list_for_account(request.account_id, PAGE, found[-1] if found else None):
            found += page
            if len(page) < PAGE:
                break
        return MessagesDataV1(items=[message_of(email) for email in found])
