"""Session lifetime: revoked, 24 h absolute, 30 min idle; when to save last-seen; the stored id."""

import hashlib
import re
from datetime import timedelta

import pytest

from identity.domain.session import ABSOLUTE_LIFETIME, IDLE_TIMEOUT, TOUCH_INTERVAL, Session, session_id_of
from identity.fakes import T0

SECOND = timedelta(seconds=1)


def session(last_seen_after: timedelta = timedelta(0)) -> Session:
    return Session("s-1", "a-1", "csrf", created_at=T0, last_seen_at=T0 + last_seen_after)


def test_a_new_session_is_active() -> None:
    assert session().active(T0) is True


def test_a_revoked_session_is_not_active() -> None:
    revoked = session()
    revoked.revoked_at = T0

    assert revoked.active(T0 + SECOND) is False


def test_a_session_is_idle_after_thirty_minutes_without_use() -> None:
    assert session().active(T0 + IDLE_TIMEOUT - SECOND) is True
    assert session().active(T0 + IDLE_TIMEOUT) is False


def test_use_keeps_a_session_from_going_idle() -> None:
    used = session(last_seen_after=timedelta(minutes=25))

    assert used.active(T0 + timedelta(minutes=50)) is True


def test_a_session_ends_twenty_four_hours_after_it_started_even_in_use() -> None:
    used = session(last_seen_after=ABSOLUTE_LIFETIME - timedelta(minutes=1))

    assert used.expires_at == T0 + timedelta(hours=12)
    assert used.active(T0 + ABSOLUTE_LIFETIME - SECOND) is True
    assert used.active(T0 + ABSOLUTE_LIFETIME) is False


@pytest.mark.parametrize(("after", "expected"), [(timedelta(0), False), (TOUCH_INTERVAL - SECOND, False)])
def test_last_seen_is_not_saved_again_within_a_minute(after: timedelta, expected: bool) -> None:
    assert session().needs_touch(T0 + after) is expected


def test_last_seen_is_saved_again_after_a_minute() -> None:
    assert session().needs_touch(T0 + TOUCH_INTERVAL) is True


def test_the_stored_id_is_the_sha256_hex_of_the_token() -> None:
    assert session_id_of("token") == hashlib.sha256(b"token").hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", session_id_of("token"))


def test_the_stored_id_is_stable_and_differs_from_the_token() -> None:
    assert session_id_of("abc") == session_id_of("abc")
    assert session_id_of("abc") != session_id_of("abd")
    assert session_id_of("abc") != "abc"
