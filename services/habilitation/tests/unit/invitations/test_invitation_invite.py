"""« Inviter un utilisateur »: checks, the prepared account, the single-use link, one pending per address."""

from datetime import timedelta

import pytest

from contracts import invitations as inv
from contracts.habilitation import HabilitationGrantV1
from contracts.invitations import InvitationSentV1
from contracts.notification import SendEmailV1
from habilitation.domain.errors import Conflict, InvalidInput, NotFound
from habilitation.domain.invitation import InvitationState, hash_token
from services.habilitation.tests.unit.invitations.samples import Invites, bodies, secrets_in
from services.habilitation.tests.unit.samples import (
    CONTEXT,
    OTHER_SIREN,
    OTHER_SIRET,
    SIREN,
    SIRET,
    SIRET_2,
    T0,
    actor,
    emails,
    event_types,
    on,
)

EMAIL = "jeanne.martin@example.fr"


async def test_a_new_person_gets_a_prepared_account_and_an_invitation_valid_one_day() -> None:
    x = Invites()
    x.world.clock.now = T0

    invitation_id, token = await x.invite(
        " Jeanne.Martin@Example.fr ",
        grants=[HabilitationGrantV1(role="centre_agree", siret=SIRET, end_date=on(90))],
        civility="madame",
        last_name="Martin",
        first_name="Jeanne",
        job_title="Formatrice",
    )

    [call] = x.identity.calls
    assert (call["email"], call["last_name"], call["siren"]) == (EMAIL, "Martin", SIREN)
    stored = await x.invitations.get(invitation_id)
    assert stored is not None
    assert (stored.state, stored.email, stored.account_id) == (InvitationState.SENT, EMAIL, "new-0")
    assert stored.expires_at == T0 + timedelta(days=1)
    assert stored.token_hash == hash_token(token)
    [email] = emails(x.invitations.outbox)
    assert email["to"] == EMAIL
    assert email["account_id"] == "new-0"
    assert email["siren"] == SIREN
    assert email["mentions"] == ["manager"]  # the inviter, named in the body
    content = email["content"]
    assert content["template"] == "invitation"
    assert content["has_account"] is False  # « complete your account by password reset »
    assert content["link"] == f"https://efp.example.fr/invitations/accepter?token={token}"
    assert (content["inviter_first_name"], content["organisation_name"]) == ("Prénom-manager", "Formation Plus")
    assert content["habilitations"] == [
        {
            "role_label": "Centre agréé",
            "establishment_name": "Formation Plus Lyon",
            "siret": SIRET,
            "end_date": on(90).isoformat(),
        }
    ]


async def test_the_sent_event_is_public_without_token_or_address() -> None:
    x = Invites()

    invitation_id, token = await x.invite()

    assert event_types(x.invitations.outbox) == [InvitationSentV1.MESSAGE_TYPE]
    [event] = bodies(x.invitations.outbox, InvitationSentV1.MESSAGE_TYPE)
    assert event["invitation_id"] == invitation_id
    assert event["invited_by"] == "manager"
    assert EMAIL not in str(event)
    assert secrets_in(x.invitations.outbox, token) == [SendEmailV1.MESSAGE_TYPE]  # the private e-mail only


async def test_an_address_with_an_account_needs_no_identity_and_is_asked_to_log_in() -> None:
    x = Invites()
    x.identity.existing("jeanne", EMAIL, password_set=True)

    view_id, _ = await x.invite(EMAIL, civility="", last_name="")

    [email] = emails(x.invitations.outbox)
    assert email["content"]["has_account"] is True
    assert (await x.invitations.get(view_id)).account_id == "jeanne"  # type: ignore[union-attr]


async def test_an_account_prepared_by_an_earlier_invitation_is_still_told_to_set_a_password() -> None:
    x = Invites()
    x.identity.existing("jeanne", EMAIL, password_set=False)

    await x.invite(EMAIL)

    assert emails(x.invitations.outbox)[0]["content"]["has_account"] is False


async def test_a_new_address_without_the_identity_is_refused_on_the_field_and_nothing_is_sent() -> None:
    x = Invites()

    with pytest.raises(InvalidInput) as refused:
        await x.invite(EMAIL, civility="madame")

    assert refused.value.field == "last_name"
    assert x.invitations.items == {}
    assert x.invitations.outbox == []


async def test_a_second_pending_invitation_to_the_same_address_and_organisation_is_a_conflict() -> None:
    x = Invites()
    await x.invite(EMAIL)

    with pytest.raises(Conflict):
        await x.invite(EMAIL.upper(), grants=[HabilitationGrantV1(role="gestionnaire_centres", siret=SIRET_2)])

    assert len(x.identity.calls) == 1  # refused before the identity service is asked anything
    assert len(x.invitations.items) == 1


async def test_another_organisation_may_invite_the_same_address() -> None:
    x = Invites()
    x.world.manager("other-manager", OTHER_SIREN)
    await x.invite(EMAIL)

    await x.invite(
        EMAIL,
        # The account prepared by the first invitation is of SIREN: to the other one, a third party's.
        grants=[HabilitationGrantV1(role="centre_agree", siret=OTHER_SIRET, end_date=on(30))],
        by="other-manager",
        siren=OTHER_SIREN,
    )

    assert len(x.invitations.items) == 2


async def test_a_manager_of_another_organisation_finds_nothing_there() -> None:
    x = Invites()
    x.world.manager("other-manager", OTHER_SIREN)

    with pytest.raises(NotFound):
        await x.invite(EMAIL, by="other-manager", siren=SIREN)

    with pytest.raises(NotFound):
        await x.invite(EMAIL, by="not-a-manager")
    assert x.identity.calls == []


@pytest.mark.parametrize(
    ("grant", "field"),
    [
        (HabilitationGrantV1(role="centre_agree", siret=OTHER_SIRET), "habilitations.0.siret"),
        (HabilitationGrantV1(role="chef", siret=SIRET), "habilitations.0.role"),
        (HabilitationGrantV1(service="autre", role="centre_agree", siret=SIRET), "habilitations.0.service"),
        (HabilitationGrantV1(role="centre_agree", siret=SIRET, end_date=on(0)), "habilitations.0.end_date"),
    ],
)
async def test_each_habilitation_is_checked_against_the_catalogue_and_the_organisation(
    grant: HabilitationGrantV1, field: str
) -> None:
    x = Invites()

    with pytest.raises(InvalidInput) as refused:
        await x.invite(EMAIL, grants=[grant])

    assert refused.value.field == field
    assert x.identity.calls == []


async def test_the_same_habilitation_twice_is_refused() -> None:
    x = Invites()
    twice = [HabilitationGrantV1(role="centre_agree", siret=SIRET)] * 2

    with pytest.raises(InvalidInput, match="deux fois"):
        await x.invite(EMAIL, grants=twice)


async def test_a_person_who_already_holds_every_habilitation_is_not_invited() -> None:
    x = Invites()
    x.identity.existing("jeanne", EMAIL)
    x.world.holding(id="h-9", account_id="jeanne")

    with pytest.raises(Conflict, match="déjà"):
        await x.invite(EMAIL)


async def test_an_agent_address_or_ones_own_cannot_be_invited() -> None:
    x = Invites()
    x.identity.existing("agent", "agent@travail.gouv.fr", kind="agent")
    x.identity.existing("manager", "manager@example.fr")

    with pytest.raises(InvalidInput, match="agent"):
        await x.invite("agent@travail.gouv.fr")
    with pytest.raises(InvalidInput, match="vous-même"):
        await x.invite("manager@example.fr")
    assert x.invitations.items == {}


async def test_the_reply_is_the_invitation_as_sent() -> None:
    x = Invites()

    view = await x.invite_user(
        inv.InviteUserV1(
            actor=actor("manager"),
            siren=SIREN,
            email=EMAIL,
            civility="madame",
            last_name="Martin",
            first_name="Jeanne",
            job_title=None,
            habilitations=[HabilitationGrantV1(role="centre_agree", siret=SIRET)],
        ),
        CONTEXT,
    )

    assert (view.status, view.expires_at, view.invited_by_name) == (
        "sent",
        T0 + timedelta(days=1),
        "Prénom-manager Nom-manager",
    )
    assert (view.first_name, view.last_name, view.organisation_name) == ("Jeanne", "Martin", "Formation Plus")


async def test_an_account_of_another_organisation_is_invited_only_until_a_date_like_a_delegation() -> None:
    x = Invites()
    x.identity.existing("outsider", EMAIL, siren=OTHER_SIREN)
    open_ended = HabilitationGrantV1(role="centre_agree", siret=SIRET)

    with pytest.raises(InvalidInput) as refused:
        await x.invite(
            EMAIL, grants=[HabilitationGrantV1(role="gestionnaire_centres", siret=SIRET, end_date=on(30)), open_ended]
        )

    assert (refused.value.detail, refused.value.field) == (
        "Une délégation doit avoir une date de fin.",
        "habilitations.1.end_date",
    )
    assert x.invitations.items == {}
    until = HabilitationGrantV1(role="centre_agree", siret=SIRET, end_date=on(30))
    invitation_id, _ = await x.invite(EMAIL, grants=[until])
    assert (await x.invitations.get(invitation_id)).state is InvitationState.SENT  # type: ignore[union-attr]
