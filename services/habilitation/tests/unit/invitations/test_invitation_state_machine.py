"""The invitation's state machine: every trigger from every state, the day of validity, the token."""

from collections.abc import Callable
from datetime import timedelta

import pytest

from habilitation.domain.errors import TooEarly, WrongState
from habilitation.domain.invitation import (
    SYSTEM,
    VALID_FOR,
    Invitation,
    InvitationState,
    InvitedGrant,
    hash_token,
    invitation_id_of,
    new_token,
)
from services.habilitation.tests.unit.samples import SIREN, SIRET, T0

S = InvitationState
LATER = T0 + VALID_FOR + timedelta(minutes=1)


def sent(token: str = "i-1.secret") -> Invitation:  # noqa: S107 (a test token)
    return Invitation.send(
        T0,
        hash_token(token),
        id="i-1",
        email="jeanne@example.fr",
        account_id="jeanne",
        first_name="Jeanne",
        last_name="Martin",
        siren=SIREN,
        grants=(InvitedGrant("ceres", "centre_agree", SIRET),),
        invited_by="manager",
        has_account=False,
    )


def in_state(state: InvitationState) -> Invitation:
    invitation = sent()
    if state is S.ACCEPTED:
        invitation.accept("jeanne", T0 + timedelta(hours=1))
    elif state is S.EXPIRED:
        invitation.expire(LATER)
    elif state is S.REVOKED:
        invitation.revoke("manager", T0 + timedelta(hours=1))
    invitation.events.clear()
    return invitation


# Each trigger at a moment it is allowed if the state allows it: after the day for expire, resend, revoke.
TRIGGERS: dict[str, Callable[[Invitation], None]] = {
    "accept": lambda i: i.accept("jeanne", T0 + timedelta(hours=2)),
    "expire": lambda i: i.expire(LATER),
    "resend": lambda i: i.resend("manager", LATER + timedelta(hours=1), hash_token("i-1.new")),
    "revoke": lambda i: i.revoke("manager", LATER),
}
ALLOWED = {
    (S.SENT, "accept"): S.ACCEPTED,
    (S.SENT, "expire"): S.EXPIRED,
    (S.SENT, "revoke"): S.REVOKED,
    (S.SENT, "resend"): S.SENT,  # past its day: the expiry is recorded first (before the day: too early)
    (S.EXPIRED, "resend"): S.SENT,
    (S.EXPIRED, "revoke"): S.REVOKED,
}
EVENT = {"accept": "accepted", "expire": "expired", "resend": "resent", "revoke": "revoked"}


def test_sending_records_the_send_and_one_day_of_validity() -> None:
    invitation = sent()

    assert invitation.state is S.SENT
    assert invitation.expires_at == T0 + timedelta(days=1)
    assert [(t.trigger, t.by) for t in invitation.history] == [("send", "manager")]
    assert list(invitation.events) == ["sent"]


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
@pytest.mark.parametrize("state", list(S), ids=lambda s: s.value)
def test_every_trigger_from_every_state(state: InvitationState, trigger: str) -> None:
    invitation = in_state(state)
    before = len(invitation.history)

    if (state, trigger) not in ALLOWED:
        with pytest.raises(WrongState):
            TRIGGERS[trigger](invitation)
        assert (invitation.state, len(invitation.history), invitation.events) == (state, before, [])
        return
    TRIGGERS[trigger](invitation)

    assert invitation.state is ALLOWED[(state, trigger)]
    assert invitation.history[-1].trigger == trigger
    assert invitation.events[-1] == EVENT[trigger]


def test_expire_before_the_day_is_over_is_refused() -> None:
    invitation = sent()

    with pytest.raises(WrongState):
        invitation.expire(T0 + VALID_FOR - timedelta(seconds=1))

    invitation.expire(T0 + VALID_FOR)
    assert (invitation.state, invitation.history[-1].by) == (S.EXPIRED, SYSTEM)


def test_resend_before_the_expiry_is_too_early_and_says_when() -> None:
    invitation = sent()

    with pytest.raises(TooEarly) as refused:
        invitation.resend("manager", T0 + timedelta(hours=23), hash_token("i-1.new"))

    assert refused.value.extra["expires_at"] == (T0 + VALID_FOR).isoformat()
    assert invitation.state is S.SENT
    assert list(invitation.events) == ["sent"]


def test_resend_after_the_day_but_before_the_sweeper_records_the_expiry_first() -> None:
    invitation = sent()
    invitation.events.clear()

    invitation.resend("other-manager", LATER, hash_token("i-1.new"))

    assert [t.trigger for t in invitation.history] == ["send", "expire", "resend"]
    assert list(invitation.events) == ["expired", "resent"]
    assert (invitation.last_sent_at, invitation.last_sent_by) == (LATER, "other-manager")
    assert invitation.expires_at == LATER + VALID_FOR
    assert invitation.token_matches("i-1.new")
    assert not invitation.token_matches("i-1.secret")


def test_an_invitation_past_its_day_cannot_be_accepted_even_before_the_sweeper() -> None:
    invitation = sent()

    with pytest.raises(WrongState, match="expiré"):
        invitation.accept("jeanne", T0 + VALID_FOR)

    assert invitation.state is S.SENT
    assert invitation.effective_state(T0 + VALID_FOR) is S.EXPIRED
    assert invitation.effective_state(T0 + VALID_FOR - timedelta(seconds=1)) is S.SENT


def test_acceptance_remembers_who_and_when() -> None:
    invitation = sent()

    invitation.accept("jeanne", T0 + timedelta(hours=3))

    assert (invitation.accepted_by, invitation.accepted_at) == ("jeanne", T0 + timedelta(hours=3))
    assert invitation.was_accepted_by("jeanne")
    assert not invitation.was_accepted_by("someone-else")


def test_revocation_records_who_when_and_why() -> None:
    invitation = sent()

    invitation.revoke("manager", T0 + timedelta(hours=1), "erreur d'adresse")

    assert (invitation.revoked_by, invitation.revoked_at) == ("manager", T0 + timedelta(hours=1))
    assert invitation.history[-1].why == "erreur d'adresse"


def test_tokens_are_random_carry_their_invitation_and_are_kept_only_hashed() -> None:
    first, second = new_token("i-1"), new_token("i-1")
    invitation = sent(first)

    assert first != second
    assert invitation_id_of(first) == "i-1"
    assert len(first.partition(".")[2]) >= 43  # 256 bits, URL-safe base64
    assert invitation.token_hash == hash_token(first)
    assert first not in invitation.token_hash
    assert invitation.token_matches(first)
    assert not invitation.token_matches(second)


@pytest.mark.parametrize("token", ["", "no-dot", ".secret", "i-1."])
def test_a_malformed_token_names_no_invitation(token: str) -> None:
    assert invitation_id_of(token) is None
