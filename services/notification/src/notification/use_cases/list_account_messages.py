"""Message history (« Historique des messages »): the e-mails sent about an account or an
organisation, newest first, codes masked."""

from contracts.messages import MessagePageV1, MessageV1
from notification.domain.email import Email
from notification.use_cases.ports import EmailRepository


class UnknownCursor(Exception):
    """`before` names no e-mail of this account."""


class ListAccountMessages:
    def __init__(self, emails: EmailRepository) -> None:
        self._emails = emails

    async def __call__(self, account_id: str, limit: int, before: str | None) -> MessagePageV1:
        cursor = None
        if before is not None:
            cursor = await self._emails.get(before)
            # Another account's e-mail is as unknown as a made-up id: nothing leaks about it.
            if cursor is None or cursor.account_id != account_id:
                raise UnknownCursor(before)
        # One more than asked tells whether there is a next page.
        emails = await self._emails.list_for_account(account_id, limit + 1, cursor)
        return _page(emails, limit, await self._emails.count_for_account(account_id))


class ListOrganisationMessages:
    """For the organisation's access managers (the gateway checks who asks)."""

    def __init__(self, emails: EmailRepository) -> None:
        self._emails = emails

    async def __call__(self, siren: str, limit: int, before: str | None) -> MessagePageV1:
        cursor = None
        if before is not None:
            cursor = await self._emails.get(before)
            if cursor is None or cursor.siren != siren:
                raise UnknownCursor(before)
        emails = await self._emails.list_for_organisation(siren, limit + 1, cursor)
        return _page(emails, limit, await self._emails.count_for_organisation(siren))


def _page(emails: list[Email], limit: int, total: int) -> MessagePageV1:
    page = emails[:limit]
    return MessagePageV1(
        items=[_message(email) for email in page],
        next_before=page[-1].id if len(emails) > limit else None,
        total=total,
    )


def _message(email: Email) -> MessageV1:
    return MessageV1(
        id=email.id,
        template=email.template,
        subject=email.subject,
        state=email.state.value,
        created_at=email.created_at,
        sent_at=email.sent_at,
        text=email.masked_text,
    )
