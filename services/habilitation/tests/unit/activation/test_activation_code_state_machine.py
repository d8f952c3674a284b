"""Every activation-code trigger from every state, and the code's format rules."""

from datetime import UTC, datetime, timedelta

import pytest

from habilitation.domain.activation import Activation, ActivationState, ActivationTransition
from habilitation.domain.activation_code import (
    ALPHABET,
    CODE_LENGTH,
    SYSTEM,
    ActivationCodeExpired,
    ActivationCodeRevoked,
    ActivationCodeUsed,
    CodeEvent,
    CodeState,
    add_months,
    generate_code,
    normalize_code,
)
from habilitation.domain.errors import WrongState
from habilitation.domain.history import Transition
from habilitation.domain.siret import normalize_siret
from services.habilitation.tests.unit.activation.samples import T0, issued_code

LATER = T0 + timedelta(hours=1)
PAST_EXPIRY = T0 + timedelta(days=181)
OVER = [CodeState.REDEEMED, CodeState.REVOKED, CodeState.EXPIRED]


def test_redeem_from_issued_records_who_when_and_through_which_activation() -> None:
    code = issued_code()

    code.redeem("user-1", "act-1", LATER)

    assert code.state is CodeState.REDEEMED
    assert (code.redeemed_by, code.redeemed_at, code.activation_id) == ("user-1", LATER, "act-1")
    assert code.history == [Transition(LATER, "redeem", "user-1")]
    assert code.events == [CodeEvent("redeemed")]
    assert code.redeemed_through("act-1")
    assert not code.redeemed_through("act-2")


def test_revoke_from_issued_records_who_when_and_why() -> None:
    code = issued_code()

    code.revoke("agent-2", LATER, "Courrier égaré")

    assert code.state is CodeState.REVOKED
    assert (code.revoked_by, code.revoked_at, code.revocation_reason) == ("agent-2", LATER, "Courrier égaré")
    assert code.history == [Transition(LATER, "revoke", "agent-2", "Courrier égaré")]
    assert code.events == [CodeEvent("revoked")]


def test_expire_from_issued_past_its_date_is_recorded_by_the_system() -> None:
    code = issued_code()

    code.expire(PAST_EXPIRY)

    assert code.state is CodeState.EXPIRED
    assert code.history == [Transition(PAST_EXPIRY, "expire", SYSTEM)]
    assert code.events == [CodeEvent("expired")]


def test_expire_before_the_date_is_refused() -> None:
    code = issued_code()

    with pytest.raises(WrongState):
        code.expire(LATER)

    assert code.state is CodeState.ISSUED
    assert code.history == []


@pytest.mark.parametrize(
    ("state", "refusal"),
    [
        (CodeState.REDEEMED, ActivationCodeUsed),
        (CodeState.REVOKED, ActivationCodeRevoked),
        (CodeState.EXPIRED, ActivationCodeExpired),
    ],
)
def test_redeem_once_over_gives_the_error_of_that_state(state: CodeState, refusal: type[Exception]) -> None:
    code = issued_code(state=state)

    with pytest.raises(refusal):
        code.redeem("user-1", "act-1", LATER)

    assert code.state is state
    assert code.history == []
    assert code.events == []


def test_redeem_of_an_issued_code_past_its_date_says_expired() -> None:
    code = issued_code()

    with pytest.raises(ActivationCodeExpired):
        code.redeem("user-1", "act-1", PAST_EXPIRY)

    assert code.state is CodeState.ISSUED


@pytest.mark.parametrize("state", OVER)
def test_revoke_once_over_is_refused(state: CodeState) -> None:
    code = issued_code(state=state)

    with pytest.raises(WrongState):
        code.revoke("agent-1", LATER, None)

    assert code.state is state
    assert code.history == []
    assert code.events == []


def test_revoke_of_an_issued_code_past_its_date_is_refused() -> None:
    code = issued_code()

    with pytest.raises(WrongState):
        code.revoke("agent-1", PAST_EXPIRY, None)

    assert code.state is CodeState.ISSUED


@pytest.mark.parametrize("state", OVER)
def test_expire_once_over_is_refused(state: CodeState) -> None:
    code = issued_code(state=state)

    with pytest.raises(WrongState):
        code.expire(PAST_EXPIRY)

    assert code.state is state


def test_an_issued_code_past_its_date_reads_expired_before_it_is_recorded() -> None:
    code = issued_code()

    assert code.effective_state(LATER) is CodeState.ISSUED
    assert code.effective_state(PAST_EXPIRY) is CodeState.EXPIRED
    assert code.state is CodeState.ISSUED


def test_generated_codes_have_12_unambiguous_characters() -> None:
    codes = {generate_code() for _ in range(200)}

    assert len(codes) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01OIL") & set(ALPHABET)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("KBJ9SRMSN8F7", "KBJ9SRMSN8F7"),
        (" kbj9 srms n8f7 ", "KBJ9SRMSN8F7"),
        ("KBJ9-SRMS-N8F7", "KBJ9SRMSN8F7"),
        ("KBJ9SRMSN8F", None),
        ("KBJ9SRMSN8F70", None),
        ("KBJ9SLMSN8F7", None),  # L is not in the alphabet
        ("KBJ9SRMSN8F0", None),
    ],
)
def test_a_typed_code_is_forgiven_case_spaces_and_dashes(typed: str, expected: str | None) -> None:
    assert normalize_code(typed) == expected


def test_a_siret_has_14_digits_spaces_allowed() -> None:
    assert normalize_siret("000 010 116 00036") == "00001011600036"
    assert normalize_siret("0000101160003") is None
    assert normalize_siret("0000101160003A") is None


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (datetime(2026, 3, 10, 9, tzinfo=UTC), 6, datetime(2026, 9, 10, 9, tzinfo=UTC)),
        (datetime(2026, 8, 31, tzinfo=UTC), 6, datetime(2027, 2, 28, tzinfo=UTC)),
        (datetime(2027, 8, 31, tzinfo=UTC), 6, datetime(2028, 2, 29, tzinfo=UTC)),
        (datetime(2026, 11, 15, tzinfo=UTC), 14, datetime(2028, 1, 15, tzinfo=UTC)),
    ],
)
def test_validity_is_counted_in_calendar_months(start: datetime, months: int, end: datetime) -> None:
    assert add_months(start, months) == end


def _activation() -> Activation:
    return Activation.start(
        id="act-1",
        account_id="user-1",
        activation_code_id="code-1",
        service="ceres",
        siret="00001011600036",
        siren="000010116",
        charter_version="2024-11",
        started_at=T0,
    )


def test_an_activation_starts_recorded_and_accepting_the_charter_completes_it() -> None:
    activation = _activation()

    activation.accept_charter("user-1", LATER)

    assert activation.state is ActivationState.COMPLETED
    assert activation.completed
    assert activation.completed_at == LATER
    assert activation.history == [
        ActivationTransition(T0, "start", "user-1"),
        ActivationTransition(LATER, "accept_charter", "user-1"),
    ]


def test_accepting_the_charter_of_a_completed_activation_is_refused() -> None:
    activation = _activation()
    activation.accept_charter("user-1", LATER)

    with pytest.raises(WrongState):
        activation.accept_charter("user-1", LATER + timedelta(minutes=1))

    assert len(activation.history) == 2
