"""The operators' use cases: abandoned e-mails listed, and requeued from their parked command."""

import pytest

from notification.domain.email import Email, EmailState
from notification.fakes import T0, FakeClock, FakeEmailRepository, FakeHeldCommands, held
from notification.use_cases.abandoned.list_abandoned_emails import ListAbandoned, ListAbandonedEmails
from notification.use_cases.abandoned.requeue_abandoned_email import CannotRequeue, RequeueAbandonedEmail, RequeueEmail


def stored(email_id: str, state: EmailState) -> Email:
    email = Email(email_id, "ada@example.fr", "account_created", "Créé", "t", "c", T0)
    if state is not EmailState.QUEUED:
        email.start_sending(T0)
    if state is EmailState.ABANDONED:
        email.failed(T0, "550 5.1.1 unknown", permanent=True)
    elif state is EmailState.SENT:
        email.sent(T0, "250 ok")
    return email


def repository(*emails: Email) -> FakeEmailRepository:
    fake = FakeEmailRepository()
    for email in emails:
        email.version = 1
        fake.emails[email.id] = email
    return fake


async def test_an_abandoned_email_goes_back_to_delivery_from_its_parked_command() -> None:
    emails, parked = repository(stored("m-1", EmailState.ABANDONED)), FakeHeldCommands(held("m-1"), held("m-2"))

    state = await RequeueAbandonedEmail(emails, parked, FakeClock())(RequeueEmail("m-1", "ops"))

    assert state is EmailState.QUEUED
    assert parked.requeued == ["m-1"]
    assert [c.message_id for c in parked.commands] == ["m-2"]
    assert emails.emails["m-1"].history[-1].why == "requeued by ops"


async def test_a_requeue_left_half_done_is_finished() -> None:
    half_done = stored("m-1", EmailState.ABANDONED)
    half_done.requeue(T0, by="ops")
    emails, parked = repository(half_done), FakeHeldCommands(held("m-1"))

    assert await RequeueAbandonedEmail(emails, parked, FakeClock())(RequeueEmail("m-1", "ops")) is EmailState.QUEUED

    assert parked.requeued == ["m-1"]


@pytest.mark.parametrize(
    ("emails", "parked", "message"),
    [
        (repository(), FakeHeldCommands(held("m-1")), "no e-mail m-1"),
        (repository(stored("m-1", EmailState.SENT)), FakeHeldCommands(held("m-1")), "is sent, not abandoned"),
        (repository(stored("m-1", EmailState.ABANDONED)), FakeHeldCommands(), "no longer kept"),
    ],
)
async def test_what_cannot_be_requeued_is_refused_and_left_alone(
    emails: FakeEmailRepository, parked: FakeHeldCommands, message: str
) -> None:
    with pytest.raises(CannotRequeue, match=message):
        await RequeueAbandonedEmail(emails, parked, FakeClock())(RequeueEmail("m-1", "ops"))

    assert parked.requeued == []


async def test_abandoned_emails_are_listed_with_whether_their_command_is_kept() -> None:
    emails = repository(stored("m-1", EmailState.ABANDONED), stored("m-2", EmailState.ABANDONED))
    emails.emails["m-2"].created_at = T0.replace(hour=13)
    emails.emails["m-3"] = stored("m-3", EmailState.SENT)

    listed = await ListAbandonedEmails(emails, FakeHeldCommands(held("m-1")))(ListAbandoned(10))

    assert [(item.email.id, item.requeueable) for item in listed] == [("m-2", False), ("m-1", True)]
