"""« Exporter mes données », the e-mails part: every e-mail about the account, newest first, every page."""

from datetime import timedelta

from contracts.privacy import ExportMessagesDataV1
from efp_runtime.message_context import MessageContext
from notification.domain.email import Email
from notification.fakes import T0, FakeEmailRepository
from notification.use_cases.privacy import export_messages
from notification.use_cases.privacy.export_messages import ExportMessagesData

CONTEXT = MessageContext.fresh()


def email(email_id: str, minutes: int, account_id: str = "a-1", text: str = "code : ••••••") -> Email:
    sent = Email(email_id, "ada@example.fr", "password_reset_code", "Réinitialisation", text, "c", T0)
    sent.created_at = T0 + timedelta(minutes=minutes)
    sent.account_id = account_id
    sent.start_sending(sent.created_at)
    sent.sent(sent.created_at + timedelta(seconds=2), "250 ok")
    return sent


def repository(*emails: Email) -> FakeEmailRepository:
    found = FakeEmailRepository()
    found.emails = {e.id: e for e in emails}
    return found


async def test_every_email_about_the_account_newest_first_and_no_one_elses() -> None:
    emails = repository(email("m-1", 1), email("m-2", 2), email("other", 3, account_id="a-2"))

    data = await ExportMessagesData(emails)(ExportMessagesDataV1(account_id="a-1"), CONTEXT)

    assert [m.id for m in data.items] == ["m-2", "m-1"]
    item = data.items[0]
    assert (item.template, item.subject, item.state, item.text) == (
        "password_reset_code",
        "Réinitialisation",
        "sent",
        "code : ••••••",
    )
    assert item.sent_at == T0 + timedelta(minutes=2, seconds=2)


async def test_pages_are_read_until_the_last(monkeypatch: object) -> None:
    emails = repository(*(email(f"m-{i:02}", i) for i in range(7)))
    monkeypatch.setattr(export_messages, "PAGE", 3)  # type: ignore[attr-defined]

    data = await ExportMessagesData(emails)(ExportMessagesDataV1(account_id="a-1"), CONTEXT)

    assert [m.id for m in data.items] == [f"m-{i:02}" for i in reversed(range(7))]


async def test_an_erased_body_reads_empty() -> None:
    emails = repository(email("m-1", 1, text=""))

    data = await ExportMessagesData(emails)(ExportMessagesDataV1(account_id="a-1"), CONTEXT)

    assert data.items[0].text == ""


async def test_an_account_without_emails_exports_none() -> None:
    data = await ExportMessagesData(repository())(ExportMessagesDataV1(account_id="a-1"), CONTEXT)

    assert data.items == []
