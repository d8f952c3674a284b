"""ListAccountMessages: the account's own e-mails, newest first, paginated, with codes masked."""

from datetime import timedelta

import pytest

from contracts.messages import ListAccountMessagesV1
from efp_runtime.message_context import MessageContext
from notification.domain.email import Email, EmailState
from notification.fakes import T0, FakeEmailRepository
from notification.use_cases.history.list_messages import ListAccountMessages, UnknownCursor

CONTEXT = MessageContext.fresh()


def email(email_id: str, minutes: int, account_id: str = "a-1") -> Email:
    sent = Email(email_id, "ada@example.fr", "password_reset_code", "Réinitialisation", "code : ••••••", "c", T0)
    sent.created_at = T0 + timedelta(minutes=minutes)
    sent.account_id = account_id
    sent.start_sending(sent.created_at)
    sent.sent(sent.created_at + timedelta(seconds=2), "250 ok")
    return sent


@pytest.fixture
def emails() -> FakeEmailRepository:
    repository = FakeEmailRepository()
    for item in (email("m-1", 1), email("m-2", 2), email("m-3", 3), email("other", 4, account_id="a-2")):
        repository.emails[item.id] = item
    return repository


async def test_the_account_sees_its_own_emails_newest_first(emails: FakeEmailRepository) -> None:
    page = await ListAccountMessages(emails)(ListAccountMessagesV1(account_id="a-1", limit=10), CONTEXT)

    assert [m.id for m in page.items] == ["m-3", "m-2", "m-1"]
    assert page.next_before is None


async def test_an_item_says_what_was_sent_when_and_shows_only_the_masked_text(emails: FakeEmailRepository) -> None:
    [item] = (await ListAccountMessages(emails)(ListAccountMessagesV1(account_id="a-1", limit=1), CONTEXT)).items

    assert (item.template, item.subject, item.state) == ("password_reset_code", "Réinitialisation", "sent")
    assert item.created_at == T0 + timedelta(minutes=3)
    assert item.sent_at == T0 + timedelta(minutes=3, seconds=2)
    assert item.text == "code : ••••••"


async def test_pages_follow_one_another_with_before(emails: FakeEmailRepository) -> None:
    history = ListAccountMessages(emails)

    first = await history(ListAccountMessagesV1(account_id="a-1", limit=2), CONTEXT)
    second = await history(ListAccountMessagesV1(account_id="a-1", limit=2, before=first.next_before), CONTEXT)

    assert ([m.id for m in first.items], first.next_before) == (["m-3", "m-2"], "m-2")
    assert ([m.id for m in second.items], second.next_before) == (["m-1"], None)


async def test_an_email_not_yet_sent_has_no_sent_at(emails: FakeEmailRepository) -> None:
    emails.emails["m-4"] = Email("m-4", "ada@example.fr", "account_created", "Créé", "t", "c", T0, account_id="a-1")
    emails.emails["m-4"].created_at = T0 + timedelta(minutes=9)

    [item] = (await ListAccountMessages(emails)(ListAccountMessagesV1(account_id="a-1", limit=1), CONTEXT)).items

    assert (item.id, item.state, item.sent_at) == ("m-4", EmailState.QUEUED.value, None)


@pytest.mark.parametrize("before", ["no-such-email", "other"])
async def test_a_cursor_that_is_not_one_of_the_accounts_emails_is_refused(
    emails: FakeEmailRepository, before: str
) -> None:
    with pytest.raises(UnknownCursor):
        await ListAccountMessages(emails)(ListAccountMessagesV1(account_id="a-1", limit=10, before=before), CONTEXT)
