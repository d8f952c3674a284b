"""ExportHabilitationData: every record about the person, any state, with its history under account ids."""

from dataclasses import replace

from contracts.privacy import ExportHabilitationDataV1
from habilitation.domain.manager_right import ManagerRightState
from services.habilitation.tests.unit.invitations.samples import make_invitation
from services.habilitation.tests.unit.samples import CONTEXT, OTHER_SIREN, SIREN, T0, World, actor


async def test_the_export_holds_habilitations_rights_requests_invitations_and_their_history() -> None:
    world = World()
    world.manager("me")
    world.manager("boss")
    world.rights.give("me", OTHER_SIREN, ManagerRightState.WITHDRAWN, by="boss")
    world.holding(id="h-active", account_id="me", granted_by="boss")
    revoked = world.holding(id="h-revoked", account_id="me", granted_by="boss")
    revoked.revoke("boss", T0, "départ")
    world.holding(id="h-other", account_id="someone-else")
    world.pending(id="r-1", account_id="me", message="Bonjour")
    for invitation in (
        replace(make_invitation("me@example.fr"), id="i-received", account_id="me", invited_by="boss"),
        replace(make_invitation("new@example.fr"), id="i-sent", invited_by="me"),
    ):
        invitation.version = 1
        world.invitations.items[invitation.id] = invitation

    data = await world.x.export_habilitation_data(ExportHabilitationDataV1(actor=actor("me")), CONTEXT)

    assert sorted(h.id for h in data.habilitations) == ["h-active", "h-revoked"]
    assert {h.id: h.state for h in data.habilitations}["h-revoked"] == "revoked"
    assert data.habilitations[0].granted_by_name == "Prénom-boss Nom-boss"
    assert sorted(r.siren for r in data.manager_rights) == [SIREN, OTHER_SIREN]
    assert [r.id for r in data.access_requests] == ["r-1"]
    assert data.access_requests[0].requester_email == "me@example.fr"
    assert [i.id for i in data.invitations_received] == ["i-received"]
    assert [i.id for i in data.invitations_sent] == ["i-sent"]
    lines = {(e.record, e.record_id, e.what, e.by) for e in data.history}
    assert ("habilitation", "h-revoked", "revoke (départ)", "boss") in lines
    assert ("access_request", "r-1", "submit", "me") in lines
    assert ("manager_right", f"me:{SIREN}", "grant via activation_code", None) in lines
    assert ("invitation", "i-sent", "send", "manager") in lines
    assert not any(e.record_id == "h-other" for e in data.history)
    assert [e.at for e in data.history] == sorted(e.at for e in data.history)


async def test_someone_with_nothing_gets_empty_lists() -> None:
    world = World()
    world.member("me")

    data = await world.x.export_habilitation_data(ExportHabilitationDataV1(actor=actor("me")), CONTEXT)

    assert (data.habilitations, data.manager_rights, data.access_requests, data.history) == ([], [], [], [])
    assert (data.invitations_received, data.invitations_sent) == ([], [])
