"""Rules of the access managers' right through the gateway: the charter before an appointed manager acts,
an invitation whose inviter lost the right, and a person of another organisation invited only until a date."""

import re
from datetime import date, timedelta

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.e2e.access import Person, become_manager, invite, new_manager
from tests.e2e.journeys import PASSWORD

pytestmark = pytest.mark.e2e
# Organisations of the SIRENE sample no other test uses.
GREGAL = ("000030106", "00003010600017", "00003010600025")
LEVANT = ("000030114", "00003011400011", "00003011400029")
NOROIT = ("000030122", "00003012200014", "00003012200022")
BISE = ("000030130", "00003013000017", "00003013000025")


def _last_mail(mail_server: MailRecorder, address: str, count: int) -> str:
    return mail_server.wait_for_mail(address, count=count)[-1].body()


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"the form carries no {name}"
    return match.group(1)


def _web_log_in(browser: httpx.Client, email: str) -> None:
    page = browser.get("/connexion")
    assert page.status_code == 200, page.text[:300]
    fields = {name: _hidden(page.text, name) for name in ("csrf_token", "captcha_id")}
    form = {**fields, "email": email, "password": PASSWORD, "captcha_answer": CAPTCHA_TEST_ANSWER, "suite": ""}
    assert browser.post("/connexion", data=form).status_code == 303


def test_the_charter_shows_its_eight_articles(client: httpx.Client) -> None:
    text = client.get("/api/v1/charter").json()["text"]

    assert re.findall(r"\*\*ARTICLE (\d) – ", text) == [str(n) for n in range(1, 9)]
    assert "**ARTICLE 3 – Mise à jour de la Charte**" in text


def test_an_appointed_manager_uses_the_right_only_after_accepting_the_charter_from_the_e_mail(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, first, _ = GREGAL
    manager = new_manager(system, mail_server, siren, first)
    colleague = Person(system, mail_server, siren)
    sent = len(mail_server.mails_to(colleague.email))

    appointed = manager.http.put(f"/api/v1/organisations/{siren}/managers/{colleague.account_id}")
    assert appointed.status_code == 200, appointed.text
    link = re.search(r"/acces/activation/([A-Za-z0-9_-]+)/charte", _last_mail(mail_server, colleague.email, sent + 1))
    assert link, "the e-mail links to the charter"
    before = colleague.http.get(f"/api/v1/organisations/{siren}/users")
    alone = manager.http.delete(f"/api/v1/organisations/{siren}/managers/{manager.account_id}")
    with httpx.Client(base_url=system.web_url, timeout=15, headers={"Origin": system.web_url}) as browser:
        _web_log_in(browser, colleague.email)  # the e-mail's link, in the person's browser
        charter = browser.get(link.group(0))
        accepted = browser.post(
            link.group(0), data={"csrf_token": _hidden(charter.text, "csrf_token"), "accept": "oui"}
        )
    again = colleague.http.post(f"/api/v1/activations/{link.group(1)}/accept-charter", json={"accept": True})
    after = colleague.http.get(f"/api/v1/organisations/{siren}/users")

    assert before.status_code == 404, before.text  # like anyone who is not (yet) manager, but told why
    assert before.json()["activation_id"] == link.group(1)
    assert "acceptez d'abord la charte" in before.json()["detail"]
    assert alone.status_code == 409  # the appointed colleague cannot manage yet: the manager is still the last
    assert alone.json()["code"] == "last_manager"
    assert charter.status_code == 200, charter.text[:300]
    assert "ARTICLE 3 – Mise à jour de la Charte" in charter.text
    assert (accepted.status_code, accepted.headers.get("location")) == (303, "/acces/habilitation"), accepted.text
    assert again.status_code == 200, again.text  # a repeated acceptance: the same answer
    assert (again.json()["siren"], again.json()["manager_right"]["via"]) == (siren, "manager")
    assert after.status_code == 200, after.text
    assert colleague.me()["manager_of"] == [siren]


def test_an_invitation_accepted_after_its_inviter_lost_the_right_grants_nothing(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, first, second = LEVANT
    inviter, other = Person(system, mail_server, siren), Person(system, mail_server, siren)
    become_manager(system, inviter, first)
    become_manager(system, other, second)
    invitee = Person(system, mail_server, siren)
    sent = len(mail_server.mails_to(invitee.email))
    invite(inviter, siren, invitee.email, second)
    token = re.search(r"token=([A-Za-z0-9._~-]+)", _last_mail(mail_server, invitee.email, sent + 1))
    assert token

    withdrawn = other.http.delete(f"/api/v1/organisations/{siren}/managers/{inviter.account_id}")
    late = invitee.http.post("/api/v1/invitations/accept", json={"token": token.group(1)})

    assert withdrawn.status_code == 204, withdrawn.text
    assert late.status_code == 409, late.text
    assert late.json()["code"] == "wrong_state"
    assert invitee.me()["habilitations"] == []


def test_a_person_of_another_organisation_is_invited_only_until_a_date(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, first, second = NOROIT
    manager = new_manager(system, mail_server, siren, first)
    outsider = Person(system, mail_server, BISE[0])
    grant = {"service": "ceres", "role": "centre_agree", "siret": second}
    path = f"/api/v1/organisations/{siren}/invitations"

    undated = manager.http.post(path, json={"email": outsider.email, "habilitations": [grant]})
    until = (date.today() + timedelta(days=30)).isoformat()
    dated = manager.http.post(path, json={"email": outsider.email, "habilitations": [{**grant, "end_date": until}]})

    assert undated.status_code == 422, undated.text
    assert undated.json()["detail"] == "Une délégation doit avoir une date de fin."
    assert [e["field"] for e in undated.json()["errors"]] == ["habilitations.0.end_date"]
    assert dated.status_code == 201, dated.text
