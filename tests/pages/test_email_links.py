"""Every link in the e-mails the platform sends opens its page: one organisation lives through the
guide's events (sign-up, activation, access requests granted and refused, an invitation, the
manager right given and taken back, a password reset and change, a sign-up with a known address);
each recipient follows every link of every e-mail they got, as it arrives, logged in through the
pages when the page is theirs, and lands on the screen (title and heading) of the catalogue whose
route the link names."""

import re

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.e2e.access import Person, become_manager, invite
from tests.e2e.journeys import PASSWORD, new_captcha, start_registration, unique_email
from tests.pages.browsing import log_in
from tests.pages.catalogue import catalogue, check_screen_is

pytestmark = pytest.mark.e2e

SIROCCO = ("000030064", "00003006400018", "00003006400026")  # « Centre de Formation Sirocco »
NEW_PASSWORD = "Sirocco-Nouveau-2026!"
# The pages our e-mails are known to lead to: each must be reached at least once.
EXPECTED_ROUTES = {
    "/connexion",
    "/inscription/{registration_id}/code",
    "/mot-de-passe-oublie/{reset_id}/code",
    "/gestion-des-acces/demandes/{request_id}",
    "/mes-habilitations",
    "/mes-demandes",
    "/invitations/accepter",
}


def _pattern(route: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{\w+\\\}", r"[^/]+", re.escape(route)) + "$")


def screen_of(path: str) -> tuple[str, str]:
    """(screen id, route) of the catalogue screen whose route the path names."""
    found = [(s.id, s.route) for s in catalogue().screens.values() if _pattern(s.route).match(path)]
    # A literal route wins over one with a parameter (`/x/nouvelle` before `/x/{id}`).
    found.sort(key=lambda screen: screen[1].count("{"))
    assert found, f"no screen of the catalogue has the route of {path}"
    return found[0]


def links_in(mail_body: str, web_url: str) -> list[str]:
    return sorted(set(re.findall(re.escape(web_url) + r"[^\s\"'<>)\]]*", mail_body)))


class Recipients:
    """Each recipient opens the e-mails they got since last time, as soon as they arrive, and
    follows every link in them: logged in through the pages first when they have an account."""

    def __init__(self, system: RunningSystem, mail_server: MailRecorder) -> None:
        self.system, self.mail_server = system, mail_server
        self.passwords: dict[str, str] = {}
        self.read: dict[str, int] = {}
        self.reached: dict[str, str] = {}  # route → the subject of an e-mail that led there

    def follow(self, email: str, new_mails: int) -> None:
        mails = self.mail_server.wait_for_mail(email, count=self.read.get(email, 0) + new_mails)
        fresh, self.read[email] = mails[self.read.get(email, 0) :], len(mails)
        web_url = self.system.web_url
        with httpx.Client(base_url=web_url, timeout=15, headers={"Origin": web_url}) as browser:
            if email in self.passwords:
                assert log_in(browser, email, self.passwords[email]).status_code == 303
            for mail in fresh:
                for link in links_in(mail.body(), web_url):
                    path = link.removeprefix(web_url)
                    screen, route = screen_of(path.split("?")[0])
                    page = browser.get(path)
                    assert page.status_code == 200, f"« {mail.subject} » → {path}: {page.status_code}"
                    check_screen_is(screen, page.text)  # its state is the test's, not the catalogue's
                    self.reached[route] = mail.subject


def test_every_link_in_every_email_opens_its_page(system: RunningSystem, mail_server: MailRecorder) -> None:
    siren, siret, other_siret = SIROCCO
    them = Recipients(system, mail_server)
    manager = Person(system, mail_server, siren)
    granted, refused = Person(system, mail_server, siren), Person(system, mail_server, siren)
    for person in (manager, granted, refused):
        them.passwords[person.email] = PASSWORD
        them.read[person.email] = 1  # the sign-up code's link was spent by Person: the newcomer's is followed
        them.follow(person.email, 1)  # « Votre compte EFP Connect est créé »
    become_manager(system, manager, siret)

    newcomer = unique_email()
    with system.client() as anonymous:
        start_registration(anonymous, newcomer)  # « Vous pouvez également cliquer sur le bouton »
        them.follow(newcomer, 1)
        start_registration(anonymous, granted.email)  # an address that has an account already
        them.follow(granted.email, 1)
        reset = anonymous.post(
            "/api/v1/password-resets",
            json={"email": refused.email, "captcha_id": new_captcha(anonymous), "captcha_answer": CAPTCHA_TEST_ANSWER},
        )
        assert reset.status_code == 202, reset.text
        them.follow(refused.email, 1)

    first = granted.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": siret})
    second = refused.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": other_siret})
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    them.follow(manager.email, 2)  # the two requests, still to be handled
    accepted = manager.http.post(
        f"/api/v1/access-requests/{first.json()['id']}/accept",
        json={"habilitations": [{"role": "centre_agree", "siret": siret}]},
    )
    assert accepted.status_code == 200, accepted.text
    them.follow(granted.email, 1)
    refusal = manager.http.post(f"/api/v1/access-requests/{second.json()['id']}/refuse", json={"reason": "Inconnu"})
    assert refusal.status_code == 200, refusal.text
    them.follow(refused.email, 1)

    invited = unique_email()
    invite(manager, siren, invited, siret, civility="monsieur", last_name="Roux", first_name="Bastien")
    them.follow(invited, 1)
    for method in ("PUT", "DELETE"):
        answer = manager.http.request(method, f"/api/v1/organisations/{siren}/managers/{granted.account_id}")
        assert answer.status_code in (200, 204), answer.text
        them.follow(granted.email, 1)
    changed = granted.http.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
    )
    assert changed.status_code == 204, changed.text
    them.passwords[granted.email] = NEW_PASSWORD
    them.follow(granted.email, 1)

    assert set(them.reached) >= EXPECTED_ROUTES, sorted(EXPECTED_ROUTES - set(them.reached))
