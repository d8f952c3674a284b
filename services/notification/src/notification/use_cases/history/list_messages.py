"""Message history (« Historique des messages »): the e-mails sent about an account or an
organisation, newest first, codes masked."""

from contracts.errors import ErrorCode
from contracts.messages import ListAccountMessagesV1, ListOrganisationMessagesV1, MessagePageV1, MessageV1
from efp_runtime.message_context import MessageContext
from efp_runtime.refusal import Refusal
from notification.domain.email import Email
from notification.use_cases.ports import EmailRepository

# `cursor`: what the gateway's lists call the page a request continues after (it carries `before`).
UNKNOWN_CURSOR = "Ce curseur de pagination n'est pas valide : recommencez depuis la première page."


class UnknownCursor(Refusal):
    """`before` names no e-mail of this account (or organisation)."""

    code = ErrorCode.VALIDATION_ERROR
    detail = "Certaines informations saisies sont invalides."

    def __init__(self) -> None:
        super().__init__(errors=[("cursor", UNKNOWN_CURSOR)])


class ListAccountMessages:
    def __init__(self, emails: EmailRepository) -> None:
        self._emails = emails

    async def __call__(self, request: ListAccountMessagesV1, context: MessageContext) -> MessagePageV1:
        account_id, limit, before = request.account_id, request.limit, request.before
        cursor = None
        if before is not None:
            cursor = await self._emails.get(before)
            # Another account's e-mail is as unknown as a made-up id: nothing leaks about it.
            if cursor is None or cursor.account_id != account_id:
                raise UnknownCursor()
        # One more than asked tells whether there is a next page.
        emails = await self._emails.list_for_account(account_id, limit + 1, cursor)
        return _page(emails, limit, await self._emails.count_for_account(account_id))


class ListOrganisationMessages:
    """For the organisation's access managers (the gateway checks who asks)."""

    def __init__(self, emails: EmailRepository) -> None:
        self._emails = emails

    async def __call__(self, request: ListOrganisationMessagesV1, context: MessageContext) -> MessagePageV1:
        siren, limit, before = request.siren, request.limit, request.before
        cursor = None
        if before is not None:
            cursor = await self._emails.get(before)
            if cursor is None or cursor.siren != siren:
                raise UnknownCursor()
        emails = await self._emails.list_for_organisation(siren, limit + 1, cursor)
        return _page(emails, limit, await self._emails.count_for_organisation(siren))


def _page(emails: list[Email], limit: int, total: int) -> MessagePageV1:
    page = emails[:limit]
    return MessagePageV1(
        items=[message_of(email) for email in page],
        next_before=page[-1].id if len(emails) > limit else None,
        total=total,
    )


def message_of(email: Email) -> MessageV1:
    """What the person sees of an e-mail (also in the export of their data); an erased body reads ""."""
    return MessageV1(
        id=email.id,
        template=email.template,
        subject=email.subject,
        state=email.state.value,
        created_at=email.created_at,
        sent_at=email.sent_at,
        text=email.masked_text,
    )
