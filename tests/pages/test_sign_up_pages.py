"""« Je crée mon compte EFP Connect » through the pages: the five steps with the code read from the real
e-mail (its button fills the code in), the refusals said next to their field, « Modifier » back to the
identity, the organisation search, then a login with the new account."""

import re

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.journeys import EMERAUDE_SIREN, PASSWORD, code_in, unique_email
from tests.pages.browsing import form_token, log_in, post_form, start_sign_up
from tests.pages.catalogue import check_screen

pytestmark = pytest.mark.e2e


def test_a_person_creates_an_account_in_five_steps_and_logs_in(
    system: RunningSystem, browser_like: httpx.Client, mail_server: MailRecorder
) -> None:
    first = browser_like.get("/inscription")
    check_screen("inscription-1-adresse", first.text)
    email = unique_email()
    asked = start_sign_up(browser_like, email)
    assert asked.status_code == 303
    code_path = asked.headers["location"]
    assert re.fullmatch(r"/inscription/[\w-]+/code", code_path)
    mail = mail_server.wait_for_mail(email)[0]
    code = code_in(mail.body())
    link = re.search(r"https?://\S+/inscription/[\w-]+/code\?code=\d{6}", mail.body())
    assert link, mail.body()
    assert link.group(0).removeprefix(system.web_url).startswith(code_path)

    code_page = browser_like.get(link.group(0).removeprefix(system.web_url))
    check_screen("inscription-2-code", code_page.text)
    assert f'value="{code}"' in code_page.text  # the e-mail's button fills the code in
    assert email in code_page.text
    wrong = browser_like.post(code_path, data={"csrf_token": form_token(code_page.text), "code": "000000"})
    assert wrong.status_code == 422
    assert 'id="code-erreur"' in wrong.text
    verified = browser_like.post(code_path, data={"csrf_token": form_token(code_page.text), "code": code})
    assert verified.status_code == 303
    password_path = verified.headers["location"]
    assert password_path.endswith("/mot-de-passe")

    password_page = browser_like.get(password_path)
    check_screen("inscription-3-mot-de-passe", password_page.text)
    assert 'data-password-rule="length"' in password_page.text
    weak = post_form(browser_like, password_path, password="court", password_confirmation="court")
    assert weak.status_code == 422
    assert 'id="password-erreur"' in weak.text
    chosen = post_form(browser_like, password_path, password=PASSWORD, password_confirmation=PASSWORD)
    assert chosen.status_code == 303
    identity_path = chosen.headers["location"]

    identity_page = browser_like.get(identity_path)
    check_screen("inscription-4-identite", identity_page.text)
    missing = post_form(browser_like, identity_path, civility="monsieur", last_name="", first_name="Jean")
    assert missing.status_code == 422
    assert 'id="last_name-erreur"' in missing.text
    given = post_form(browser_like, identity_path, civility="monsieur", last_name="Dupond", first_name="Jean")
    assert given.status_code == 303
    organisation_path = given.headers["location"]

    organisation_page = browser_like.get(organisation_path)
    check_screen("inscription-5-organisation", organisation_page.text)
    assert "M. JEAN DUPOND" in organisation_page.text
    # « Modifier » goes back to step 4, prefilled, and the new identity shows in the summary.
    back_form = re.search(r'action="(/inscription/[\w-]+/modifier-identite)"', organisation_page.text)
    assert back_form
    back = browser_like.post(back_form.group(1), data={"csrf_token": form_token(organisation_page.text)})
    assert back.status_code == 303
    assert back.headers["location"] == identity_path
    again = browser_like.get(identity_path)
    assert 'value="Dupond"' in again.text
    assert 'value="monsieur" checked' in again.text
    assert (
        post_form(browser_like, identity_path, civility="monsieur", last_name="Dupont", first_name="Jean").status_code
        == 303
    )

    token = form_token(browser_like.get(organisation_path).text)
    found = browser_like.post(
        organisation_path,
        data={"csrf_token": token, "job_title": "DRH", "q": EMERAUDE_SIREN, "action": "rechercher"},
    )
    assert found.status_code == 200
    assert re.search(r"1 résultat affiché sur 1", found.text), found.text
    assert f'value="{EMERAUDE_SIREN}" checked' in found.text  # the only answer is chosen
    assert "M. JEAN DUPONT" in found.text
    no_terms = browser_like.post(
        organisation_path, data={"csrf_token": token, "job_title": "DRH", "q": EMERAUDE_SIREN, "siren": EMERAUDE_SIREN}
    )
    assert no_terms.status_code == 422
    assert 'id="accept_terms-erreur"' in no_terms.text
    done = browser_like.post(
        organisation_path,
        data={
            "csrf_token": token,
            "job_title": "DRH",
            "q": EMERAUDE_SIREN,
            "siren": EMERAUDE_SIREN,
            "accept_terms": "oui",
        },
    )
    assert done.status_code == 303
    created = browser_like.get(done.headers["location"])
    check_screen("inscription-compte-cree", created.text)
    assert 'href="/connexion"' in created.text
    assert log_in(browser_like, email, PASSWORD).headers["location"] == "/accueil"
    me = browser_like.get("/accueil")
    assert "Jean Dupont" in me.text


def test_a_search_by_name_says_how_many_are_shown(browser_like: httpx.Client, mail_server: MailRecorder) -> None:
    email = unique_email()
    code_path = start_sign_up(browser_like, email).headers["location"]
    code = code_in(mail_server.wait_for_mail(email)[0].body())
    password_path = post_form(browser_like, code_path, code=code).headers["location"]
    identity_path = post_form(browser_like, password_path, password=PASSWORD, password_confirmation=PASSWORD).headers[
        "location"
    ]
    organisation_path = post_form(
        browser_like, identity_path, civility="madame", last_name="Martin", first_name="Claire"
    ).headers["location"]
    found = post_form(browser_like, organisation_path, q="formation", action="rechercher")
    assert found.status_code == 200
    shown = re.search(r"(\d+) résultats? affichés? sur (\d+)", found.text)
    assert shown, found.text
    assert int(shown.group(1)) <= int(shown.group(2))
    assert int(shown.group(1)) >= 1
    nothing = post_form(browser_like, organisation_path, q="zzzqqqxxx", action="rechercher")
    assert "0 résultat affiché sur 0" in nothing.text
    unchosen = post_form(browser_like, organisation_path, q="formation", accept_terms="oui")
    assert unchosen.status_code == 422
    assert 'id="siren-erreur"' in unchosen.text


def test_a_shared_mailbox_is_refused_next_to_the_email(browser_like: httpx.Client) -> None:
    refused = start_sign_up(browser_like, "contact@centre-formation.fr")
    assert refused.status_code == 422
    assert 'id="email-erreur"' in refused.text
    assert "interdit d'utiliser une adresse e-mail partagée" in refused.text.replace("’", "'")


def test_a_step_out_of_order_goes_to_the_right_step(browser_like: httpx.Client, mail_server: MailRecorder) -> None:
    email = unique_email()
    code_path = start_sign_up(browser_like, email).headers["location"]
    base = code_path.removesuffix("/code")
    # This browser is at step 2: a later step's page sends it back there.
    ahead = browser_like.get(f"{base}/identite")
    assert ahead.status_code == 303
    assert ahead.headers["location"] == code_path
    # Resending at once is refused until later: the page says when.
    page = browser_like.get(code_path)
    resend = browser_like.post(f"{base}/renvoyer-code", data={"csrf_token": form_token(page.text)})
    assert resend.status_code in (409, 429)
    assert "Un code vient de vous être envoyé" in resend.text
    assert "Vous pourrez réessayer dans" in resend.text
    # Another browser posting a later step: a French page, never a traceback.
    with httpx.Client(base_url=str(browser_like.base_url), headers=dict(browser_like.headers)) as other:
        wrong = post_form(other, f"{base}/identite", civility="madame", last_name="X", first_name="Y")
        assert wrong.status_code == 409
        assert "Création de compte interrompue" in wrong.text
        assert "Traceback" not in wrong.text


def test_an_id_that_is_not_an_id_is_refused(browser_like: httpx.Client) -> None:
    page = browser_like.get("/inscription/..%2F..%2Fsession/code")
    assert page.status_code in (400, 404)
    assert "Traceback" not in page.text
