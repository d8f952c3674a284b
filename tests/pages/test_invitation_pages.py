"""« Inviter un utilisateur », the pending invitations and the e-mail's link, through the pages
(guide 000 §5, §6.2–6.3), on « École de la Deuxième Chance du Morvan » (no other test uses it)."""

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from efp_runtime.polling import eventually_sync
from tests.e2e.access import Person, invite, new_manager
from tests.e2e.journeys import PASSWORD, code_in, unique_email
from tests.e2e.journeys import log_in as gateway_log_in
from tests.pages.browsing import Account, captcha_id, form_token, log_in, post_captcha_form, web_browser
from tests.pages.catalogue import check_screen

pytestmark = pytest.mark.e2e
SIREN, FIRST, SECOND = "000030049", "00003004900019", "00003004900027"
LIST = "/gestion-des-acces/invitations"
WIZARD = "/gestion-des-acces/invitations/nouvelle"
DAY = 24 * 3600
NEW_PASSWORD = "Invitation-Morvan-2026!"


def web_log_in(client: httpx.Client, email: str, password: str, login_path: str) -> httpx.Response:
    """The login page the invitation page links to (its `suite` brings the person back)."""
    page = client.get(login_path)
    suite = re.search(r'name="suite" value="([^"]*)"', page.text)
    assert suite, page.text
    return post_captcha_form(
        client, "/connexion", page, email=email, password=password, suite=suite.group(1).replace("&amp;", "&")
    )


def post(client: httpx.Client, path: str, page: httpx.Response, **data: str) -> httpx.Response:
    return client.post(path, data={"csrf_token": form_token(page.text), **data})


def link_in(mail_server: MailRecorder, email: str, count: int) -> str:
    body = mail_server.wait_for_mail(email, count=count)[count - 1].body()
    match = re.search(r"https?://\S+?(/invitations/accepter\?token=[A-Za-z0-9._~%-]+)", body)
    assert match, body
    return match.group(1)


def listed(body: Any) -> list[Any]:
    """A list answer of the gateway: `{items, next_cursor, total}` (the paged shape) or the older one."""
    return list(body.get("items", body.get("invitations", []))) if isinstance(body, dict) else list(body)


def error_of(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-erreur"[^>]*>([^<]+)<', html)
    assert match, f"no error next to {field}"
    return match.group(1)


@pytest.fixture(scope="module")
def manager(system: RunningSystem, mail_server: MailRecorder) -> Person:
    person = new_manager(system, mail_server, SIREN, FIRST)
    return person


@pytest.fixture
def manager_web(system: RunningSystem, manager: Person) -> Iterator[httpx.Client]:
    """The manager's browser. Logged in per test: another person's web login currently ends it (the web
    service's gateway client keeps the last login's cookie, see the report), so a test uses it before
    the invitee logs in."""
    with web_browser(system) as client:
        assert log_in(client, manager.email, PASSWORD).status_code == 303
        yield client


def invite_through_the_wizard(
    client: httpx.Client, email: str, identity: dict[str, str] | None = None, end_date: str = ""
) -> None:
    page = client.get(WIZARD)
    if "Étape 1 sur 4" not in page.text:  # a draft left by an earlier test: start again
        post(client, WIZARD, page, action="abandonner")
        page = client.get(WIZARD)
    assert post(client, WIZARD, page, etape="1", email=email).status_code == 303
    assert post(client, WIZARD, page, etape="2", **(identity or {})).status_code == 303
    assert post(client, WIZARD, page, etape="3", job_title="Formatrice").status_code == 303
    until = {"end_date": end_date} if end_date else {}
    done = post(client, WIZARD, page, etape="4", action="terminer", siret=SECOND, role="centre_agree", **until)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == LIST


def test_the_wizard_invites_a_person_who_accepts_from_the_email(
    system: RunningSystem, mail_server: MailRecorder, manager: Person, manager_web: httpx.Client
) -> None:
    invitee = Person(system, mail_server, SIREN)
    client = manager_web
    listing = client.get(LIST)
    assert listing.status_code == 200
    check_screen("gestion-des-acces-invitations", listing.text)
    step = client.get(WIZARD)
    if "Étape 1 sur 4" not in step.text:
        post(client, WIZARD, step, action="abandonner")
        step = client.get(WIZARD)
    check_screen("invitation-1-email", step.text)

    wrong = post(client, WIZARD, step, etape="1", email="pas-une-adresse")
    assert wrong.status_code == 422
    assert "nom@domaine.fr" in error_of(wrong.text, "email")
    assert "Étape 1 sur 4" in client.get(WIZARD).text  # nothing moved on
    assert post(client, WIZARD, step, etape="1", email=invitee.email).status_code == 303
    step = client.get(WIZARD)
    check_screen("invitation-2-identite", step.text)
    assert invitee.email in step.text
    partial = post(client, WIZARD, step, etape="2", last_name="Martin")
    assert partial.status_code == 422
    assert "civilité" in error_of(partial.text, "civility")
    assert post(client, WIZARD, step, etape="2").status_code == 303  # an existing account: no identity
    step = client.get(WIZARD)
    check_screen("invitation-3-entreprise", step.text)
    assert "École de la Deuxième Chance du Morvan" in step.text
    assert post(client, WIZARD, step, etape="3", job_title="Formateur").status_code == 303
    step = client.get(WIZARD)
    check_screen("invitation-4-habilitations", step.text)

    empty = post(client, WIZARD, step, etape="4", action="terminer")
    assert empty.status_code == 422
    assert "au moins une habilitation" in error_of(empty.text, "siret")
    no_role = post(client, WIZARD, step, etape="4", action="ajouter", siret=SECOND)
    assert no_role.status_code == 422
    assert error_of(no_role.text, "role")
    past = post(
        client, WIZARD, step, etape="4", action="ajouter", siret=SECOND, role="centre_agree", end_date="2020-01-01"
    )
    assert "postérieure" in error_of(past.text, "end_date")
    for siret in (SECOND, FIRST):
        added = post(client, WIZARD, step, etape="4", action="ajouter", siret=siret, role="centre_agree")
        assert added.status_code == 303
    step = client.get(WIZARD)
    assert FIRST in step.text
    assert SECOND in step.text
    assert post(client, WIZARD, step, etape="4", action="retirer-1").status_code == 303
    step = client.get(WIZARD)
    assert f"SIRET {FIRST}" not in step.text.split("Ajouter une autre habilitation")[0]
    sent_before = len(mail_server.mails_to(invitee.email))
    done = post(client, WIZARD, step, etape="4", action="terminer")
    assert done.status_code == 303
    assert done.headers["location"] == LIST

    listing = client.get(LIST)
    assert f"L’invitation a été envoyée à {invitee.email}" in listing.text
    assert invitee.email in listing.text
    assert "1 invitation en attente de connexion" in listing.text or "invitations en attente" in listing.text
    invitation = next(
        i
        for i in listed(manager.http.get(f"/api/v1/organisations/{SIREN}/invitations").json())
        if i["email"] == invitee.email
    )
    assert [(h["role"], h["siret"]) for h in invitation["habilitations"]] == [("centre_agree", SECOND)]
    early = post(client, f"{LIST}/{invitation['id']}/relancer", listing)
    assert early.status_code == 409
    assert "Vous pourrez relancer cette invitation dans 1 jour." in early.text
    assert len(mail_server.mails_to(invitee.email)) == sent_before + 1  # no second e-mail

    link = link_in(mail_server, invitee.email, sent_before + 1)
    with web_browser(system) as browser:
        welcome = browser.get(link)
        assert welcome.status_code == 200
        check_screen("invitation-lien", welcome.text)
        login_path = re.search(r'href="(/connexion\?suite=[^"]+)"', welcome.text)
        assert login_path
        logged = web_log_in(browser, invitee.email, PASSWORD, login_path.group(1).replace("&amp;", "&"))
        assert logged.status_code == 303
        assert logged.headers["location"] == link  # back on the invitation
        offer = browser.get(link)
        check_screen("invitation-accepter", offer.text)
        accepted = post(browser, "/invitations/accepter", offer, token=link.split("token=")[1])
        assert accepted.status_code == 303
        assert accepted.headers["location"] == "/invitations/acceptee"
        done_page = browser.get("/invitations/acceptee")
        check_screen("invitation-acceptee", done_page.text)
        assert SECOND in done_page.text
    held = listed(invitee.http.get("/api/v1/me/habilitations").json())
    assert [(h["role"], h["siret"], h["via"]) for h in held] == [("centre_agree", SECOND, "invitation")]
    pending = manager.http.get(f"/api/v1/organisations/{SIREN}/invitations", params={"status": "sent"}).json()
    assert invitee.email not in {i["email"] for i in listed(pending)}  # accepted: no longer pending


def _expired_row(client: httpx.Client, email: str) -> httpx.Response | None:
    page = client.get(LIST)
    row = page.text.split(email, 1)[1].split("</tr>", 1)[0] if email in page.text else ""
    return page if "Expirée" in row else None


def test_an_expired_invitation_is_listed_resent_then_revoked(
    system: RunningSystem, mail_server: MailRecorder, manager: Person, manager_web: httpx.Client
) -> None:
    email = unique_email()
    invite_through_the_wizard(manager_web, email, {"civility": "madame", "last_name": "Morel", "first_name": "Léa"})
    first_link = link_in(mail_server, email, 1)
    system.shift_clock(DAY + 3600)
    try:
        listing = eventually_sync(lambda: _expired_row(manager_web, email), within=15, every=0.3)
        assert listing, "the invitation is not listed as expired"
        row = listing.text.split(email, 1)[1].split("</tr>", 1)[0]
        invitation_id = re.search(r"/gestion-des-acces/invitations/([\w-]+)/relancer", row)
        assert invitation_id
        resent = post(manager_web, f"{LIST}/{invitation_id.group(1)}/relancer", listing)
        assert resent.status_code == 303, resent.text
        assert f"L’invitation a été renvoyée à {email}" in manager_web.get(LIST).text
        second_link = link_in(mail_server, email, 2)
        assert second_link != first_link
    finally:
        system.shift_clock(0)
    listing = manager_web.get(LIST)
    revoked = post(manager_web, f"{LIST}/{invitation_id.group(1)}/retirer", listing)
    assert revoked.status_code == 303
    after = manager_web.get(LIST).text
    assert "a été retirée" in after
    assert email not in after.split("a été retirée")[1]  # only in the notice, no longer in the table
    invitations = listed(manager.http.get(f"/api/v1/organisations/{SIREN}/invitations").json())
    assert [i["status"] for i in invitations if i["email"] == email] == ["revoked"]


def test_a_person_without_an_account_chooses_a_password_and_accepts(
    system: RunningSystem, mail_server: MailRecorder, manager: Person, manager_web: httpx.Client
) -> None:
    email = unique_email()
    invite_through_the_wizard(manager_web, email, {"civility": "monsieur", "last_name": "Girard", "first_name": "Paul"})
    link = link_in(mail_server, email, 1)
    with web_browser(system) as browser:
        welcome = browser.get(link)
        choose = re.search(r'href="(/invitations/accepter/mot-de-passe)"', welcome.text)
        assert choose
        start = browser.get(choose.group(1))
        check_screen("invitation-mot-de-passe", start.text)
        asked = post(
            browser,
            choose.group(1),
            start,
            email=email,
            captcha_id=captcha_id(start.text),
            captcha_answer=CAPTCHA_TEST_ANSWER,
        )
        assert asked.status_code == 303, asked.text
        code = code_in(mail_server.wait_for_mail(email, count=2)[1].body())
        form = browser.get(asked.headers["location"])
        check_screen("invitation-mot-de-passe-code", form.text)
        weak = post(
            browser, asked.headers["location"], form, code=code, password="court", password_confirmation="court"
        )
        assert weak.status_code == 422
        assert error_of(weak.text, "password")
        assert "Code de validation correct" in weak.text  # the code is not asked twice
        chosen = post(
            browser, asked.headers["location"], form, password=NEW_PASSWORD, password_confirmation=NEW_PASSWORD
        )
        assert chosen.status_code == 303, chosen.text
        logged = web_log_in(browser, email, NEW_PASSWORD, chosen.headers["location"])
        assert logged.headers["location"] == link
        offer = browser.get(link)
        accepted = post(browser, "/invitations/accepter", offer, token=link.split("token=")[1])
        assert accepted.headers["location"] == "/invitations/acceptee"
    with system.client() as gateway:
        assert gateway_log_in(gateway, email, NEW_PASSWORD).status_code == 200
        held = listed(gateway.get("/api/v1/me/habilitations").json())
    assert [(h["role"], h["siret"]) for h in held] == [("centre_agree", SECOND)]


def test_wrong_address_and_bad_links_say_so(
    system: RunningSystem, mail_server: MailRecorder, manager: Person, account: Account, browser_like: httpx.Client
) -> None:
    bad = browser_like.get("/invitations/accepter", params={"token": "n'importe quoi"})
    assert bad.status_code == 404
    check_screen("invitation-non-valable", bad.text)
    email = unique_email()
    invite(manager, SIREN, email, FIRST, civility="madame", last_name="Roux", first_name="Inès")
    link = link_in(mail_server, email, 1)
    assert log_in(browser_like, account.email, account.password).status_code == 303
    offer = browser_like.get(link)
    refused = post(browser_like, "/invitations/accepter", offer, token=link.split("token=")[1])
    assert refused.status_code == 403
    check_screen("invitation-autre-adresse", refused.text)
    assert account.email in refused.text
    forged = post(browser_like, "/invitations/accepter", offer, token=link.split("token=")[1].split(".")[0] + ".faux")
    assert forged.status_code == 404
    assert "pas valide" in forged.text
    switched = post(browser_like, "/invitations/accepter/changer-de-compte", offer, token=link.split("token=")[1])
    assert switched.status_code == 303
    assert switched.headers["location"].startswith("/connexion?suite=/invitations/accepter")
    assert browser_like.get(WIZARD).status_code in (200, 303)  # logged out: the login page, not an error


def test_the_invitation_pages_are_for_managers_only(browser_like: httpx.Client, account: Account) -> None:
    assert log_in(browser_like, account.email, account.password).status_code == 303
    assert browser_like.get(LIST).status_code == 403
    assert browser_like.get(WIZARD).status_code == 403


def test_whatever_login_follows_the_invitation_link_the_person_comes_back_to_it(
    system: RunningSystem, mail_server: MailRecorder, manager_web: httpx.Client, account: Account
) -> None:
    """The link opened first, then a plain login (the login page reached by another way, without
    `suite`): the person lands on the invitation again, not on the home page."""
    # The account is of another organisation (Émeraude): like a delegation, invited only until a date.
    invite_through_the_wizard(manager_web, account.email, end_date=(date.today() + timedelta(days=30)).isoformat())
    link = link_in(mail_server, account.email, 3)  # after the sign-up's code and « compte créé »
    with web_browser(system) as browser:
        assert browser.get(link).status_code == 200
        logged = log_in(browser, account.email, account.password)
        assert logged.headers["location"] == link
        assert log_in(browser, account.email, account.password).headers["location"] == "/accueil"  # only once
