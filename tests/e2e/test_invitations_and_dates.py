"""Invitations that expire and are resent then accepted, delegations, end dates, the activation letter."""

import re
from datetime import date, timedelta
from typing import Any

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from efp_runtime.polling import eventually_sync
from tests.e2e.access import Person, agent, invite, new_manager

pytestmark = pytest.mark.e2e
# Organisations of the SIRENE sample no other e2e test uses.
GROUPE_BOREAL = ("000013870", "00001387000019", "00001387000027")
OCCITANIE = ("000019984", "00001998400012", "00001998400020")
PAYS_BASQUE = ("000020925", "00002092500012", "00002092500020")
SAINT_ETIENNE = ("000019042", "00001904200019", "00001904200027")
DAY = 24 * 3600


def invitations(manager: Person, siren: str, status: str) -> list[dict[str, Any]]:
    listed = manager.http.get(f"/api/v1/organisations/{siren}/invitations", params={"status": status})
    return list(listed.json()["items"])


def _token(body: str) -> str:
    match = re.search(r"token=([A-Za-z0-9._~-]+)", body)
    assert match, body
    return match.group(1)


def test_an_invitation_expires_is_resent_and_accepted(system: RunningSystem, mail_server: MailRecorder) -> None:
    siren, first, second = GROUPE_BOREAL
    manager = new_manager(system, mail_server, siren, first)
    invitee = Person(system, mail_server, siren)
    sent_before = len(mail_server.mails_to(invitee.email))

    invitation = invite(manager, siren, invitee.email, second)
    assert invitation["status"] == "sent"
    first_token = _token(mail_server.wait_for_mail(invitee.email, count=sent_before + 1)[-1].body())
    early = manager.http.post(f"/api/v1/invitations/{invitation['id']}/resend")
    assert early.status_code == 409
    assert early.json()["code"] == "too_early"

    system.shift_clock(DAY + 3600)
    try:
        expired = eventually_sync(lambda: invitations(manager, siren, "expired"), within=15, every=0.2)
        assert [i["id"] for i in expired] == [invitation["id"]]
        late = invitee.http.post("/api/v1/invitations/accept", json={"token": first_token})
        assert late.status_code in (404, 409, 410), late.text
        resent = manager.http.post(f"/api/v1/invitations/{invitation['id']}/resend")
        assert resent.status_code == 200, resent.text
        new_token = _token(mail_server.wait_for_mail(invitee.email, count=sent_before + 2)[-1].body())
        assert new_token != first_token
        accepted = invitee.http.post("/api/v1/invitations/accept", json={"token": new_token})
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["status"] == "accepted"
    finally:
        system.shift_clock(0)
    held = invitee.http.get("/api/v1/me/habilitations").json()["items"]
    assert [(h["role"], h["siret"], h["via"]) for h in held] == [("centre_agree", second, "invitation")]


def test_a_habilitation_lapses_at_its_end_date(system: RunningSystem, mail_server: MailRecorder) -> None:
    siren, first, second = OCCITANIE
    manager = new_manager(system, mail_server, siren, first)
    holder = Person(system, mail_server, siren)
    end = (date.today() + timedelta(days=2)).isoformat()
    granted = manager.http.post(
        f"/api/v1/organisations/{siren}/users/{holder.account_id}/habilitations",
        json={"role": "centre_agree", "siret": second, "end_date": end},
    )
    assert granted.status_code == 201, granted.text
    assert [h["end_date"] for h in holder.me()["habilitations"]] == [end]

    system.shift_clock(3 * DAY)
    try:
        # Gone at once for the summary; recorded as expired by the sweeper within a second or two.
        assert holder.me()["habilitations"] == []
        states = eventually_sync(
            lambda: [h["state"] for h in holder.http.get("/api/v1/me/habilitations").json()["items"]],
            lambda states: states == ["expired"],
            within=15,
            every=0.2,
        )
    finally:
        system.shift_clock(0)
    assert states == ["expired"]
    ended = eventually_sync(
        lambda: [m for m in mail_server.mails_to(holder.email) if m.subject.startswith("Fin de votre habilitation")],
        within=15,
        every=0.2,
    )
    assert ended


def test_a_delegation_to_another_organisation_needs_an_end_date(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, first, second = PAYS_BASQUE
    manager = new_manager(system, mail_server, siren, first)
    outsider = Person(system, mail_server, SAINT_ETIENNE[0])
    body: dict[str, Any] = {"email": outsider.email, "role": "centre_agree", "siret": second}

    undated = manager.http.post(f"/api/v1/organisations/{siren}/delegations", json=body)
    dated = manager.http.post(
        f"/api/v1/organisations/{siren}/delegations",
        json={**body, "end_date": (date.today() + timedelta(days=90)).isoformat()},
    )

    assert undated.status_code == 422
    assert dated.status_code == 201, dated.text
    assert dated.json()["via"] == "delegation"
    held = outsider.http.get("/api/v1/me/habilitations").json()["items"]
    assert [(h["siren"], h["via"]) for h in held] == [(siren, "delegation")]
    users = manager.http.get(f"/api/v1/organisations/{siren}/users").json()["items"]
    assert outsider.account_id in {u["account_id"] for u in users}


def test_the_activation_letter_is_a_pdf_for_the_issuing_agent_only(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    http = agent(system)
    try:
        issued = http.post("/api/v1/agent/activation-codes", json={"siret": SAINT_ETIENNE[1], "service": "ceres"})
        assert issued.status_code == 201, issued.text
        letter = http.get(issued.json()["letter_url"])
    finally:
        http.close()
    user = Person(system, mail_server, SAINT_ETIENNE[0])

    assert letter.status_code == 200
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    assert issued.json()["code"] not in str(issued.headers)
    refused = user.http.post("/api/v1/agent/activation-codes", json={"siret": SAINT_ETIENNE[1], "service": "ceres"})
    assert refused.status_code == 403
