"""Retention of the e-mails: done ones lose their body after a year and are deleted after three."""

from datetime import timedelta

from notification.domain.email import Email
from notification.fakes import T0, FakeClock, FakeEmailErasure, FakeEmailRepository
from notification.use_cases.privacy.sweep_retention import SweepEmailRetention

YEAR = timedelta(days=365)


def email(email_id: str, age: timedelta, done: bool = True) -> Email:
    made = Email(email_id, "ada@example.fr", "account_created", "Votre compte", "Bonjour Ada", "c", T0 - age)
    if done:
        made.start_sending(made.created_at)
        made.sent(made.created_at, "250 ok")
    return made


def sweep_over(*emails: Email, batch: int = 500) -> tuple[SweepEmailRetention, FakeEmailRepository]:
    repository = FakeEmailRepository()
    repository.emails = {e.id: e for e in emails}
    sweep = SweepEmailRetention(FakeEmailErasure(repository), FakeClock(), YEAR, 3 * YEAR, batch=batch)
    return sweep, repository


async def test_a_body_older_than_a_year_is_erased_and_the_metadata_kept() -> None:
    sweep, emails = sweep_over(email("old", YEAR + timedelta(minutes=1)), email("young", YEAR - timedelta(minutes=1)))

    assert await sweep() == 1

    old = emails.emails["old"]
    assert (old.masked_text, old.to, old.subject) == ("", "ada@example.fr", "Votre compte")
    assert old.erased_at is None  # the address stays: only an account's deletion erases it
    assert emails.emails["young"].masked_text == "Bonjour Ada"


async def test_an_email_older_than_three_years_is_deleted() -> None:
    sweep, emails = sweep_over(email("ancient", 3 * YEAR + timedelta(days=1)), email("old", 2 * YEAR))

    assert await sweep() == 2

    assert set(emails.emails) == {"old"}
    assert emails.emails["old"].masked_text == ""


async def test_an_email_not_done_is_left_alone() -> None:
    sweep, emails = sweep_over(email("stuck", 4 * YEAR, done=False))

    assert await sweep() == 0

    assert emails.emails["stuck"].masked_text == "Bonjour Ada"


async def test_a_backlog_goes_batch_after_batch_in_one_pass() -> None:
    sweep, emails = sweep_over(*(email(f"m-{i}", 2 * YEAR) for i in range(7)), batch=3)

    assert await sweep() == 7

    assert all(e.masked_text == "" for e in emails.emails.values())


async def test_a_second_pass_finds_nothing_more() -> None:
    sweep, _ = sweep_over(email("old", 2 * YEAR), email("ancient", 4 * YEAR))

    assert (await sweep(), await sweep()) == (2, 0)
