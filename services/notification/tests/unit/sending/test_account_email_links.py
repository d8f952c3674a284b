"""The buttons of identity's e-mails (guide 000): in both parts when sent, masked in the stored copy."""

import pytest

from contracts.notification import (
    PasswordResetCodeV1,
    SendEmailV1,
    SignupVerificationCodeV1,
)
from efp_runtime.message_context import MessageContext
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.domain.catalogue import MASK
from notification.fakes import LEASE, POLICY, FakeClock, FakeEmailRepository, FakeMailSender, FakeRateLimiter
from notification.use_cases.sending.send_email import SendEmail
from services.notification.tests.unit.samples import SAMPLES, readable

ALSO = "Vous pouvez également cliquer sur le bouton ci-dessous :"
SIGNUP = SAMPLES["signup_verification_code"].content
RESET = SAMPLES["password_reset_code"].content
CONTEXT = MessageContext(message_id="m-1", correlation_id="c-1")
CODE_EMAILS = {"signup": (SIGNUP, "Valider mon adresse e-mail"), "reset": (RESET, "Réinitialiser mon mot de passe")}


def parts(content: object) -> tuple[str, str]:
    rendered = JinjaEmailRenderer().render(content)  # type: ignore[arg-type]
    return readable(rendered.text), readable(rendered.html)


@pytest.mark.parametrize("name", CODE_EMAILS)
def test_a_code_email_has_a_button_to_its_code_step_in_both_parts(name: str) -> None:
    content, label = CODE_EMAILS[name]
    rendered = JinjaEmailRenderer().render(content)

    assert f"{label} :\n{content.link}\n" in rendered.text
    assert f'<a href="{content.link}"' in rendered.html
    assert f">{label}</a>" in rendered.html
    for part in parts(content):
        assert ALSO in part


@pytest.mark.parametrize("content", [SIGNUP, RESET], ids=["signup", "reset"])
def test_the_link_carries_the_code_so_it_is_a_secret_field(content: SignupVerificationCodeV1) -> None:
    assert type(content).SECRET_FIELDS == ("code", "link")
    assert f"code={content.code}" in (content.link or "")


@pytest.mark.parametrize("name", CODE_EMAILS)
async def test_the_stored_copy_masks_the_link_and_its_code_but_the_sent_email_has_them(name: str) -> None:
    content, label = CODE_EMAILS[name]
    emails, sender = FakeEmailRepository(), FakeMailSender()
    send = SendEmail(emails, JinjaEmailRenderer(), sender, FakeClock(), POLICY, FakeRateLimiter(0), LEASE)

    await send(SendEmailV1(to="ada@example.fr", content=content), CONTEXT)

    [(_, _, sent)] = sender.sent
    assert content.link in sent.text
    assert content.link in sent.html
    stored = emails.emails["m-1"].masked_text
    assert content.link not in stored
    assert content.code not in stored
    assert f"{label} :\n{MASK}\n" in stored


@pytest.mark.parametrize("content", [SignupVerificationCodeV1(code="482913"), PasswordResetCodeV1(code="596922")])
def test_a_code_email_from_an_older_producer_has_no_button(content: SignupVerificationCodeV1) -> None:
    for masked in (False, True):
        rendered = JinjaEmailRenderer().render(content, masked=masked)
        assert ALSO not in rendered.text + rendered.html
        assert "href" not in rendered.html.split("<h1", 1)[1].split("</td>", 1)[0]


@pytest.mark.parametrize(
    ("civility", "last_name", "greeting"),
    [
        ("monsieur", "Dupont", "Bonjour Monsieur Dupont,"),
        ("madame", "Durand", "Bonjour Madame Durand,"),
        (None, "Durand", "Bonjour,"),
        ("madame", None, "Bonjour,"),
    ],
)
def test_the_reset_email_greets_the_person_by_civility_and_last_name(
    civility: str | None, last_name: str | None, greeting: str
) -> None:
    content = PasswordResetCodeV1(code="596922", civility=civility, last_name=last_name)

    for part in parts(content):
        assert f"Réinitialisation du mot de passe de votre compte EFP Connect {greeting} Vous avez demandé" in part


def test_the_account_created_email_has_a_button_to_log_in() -> None:
    content = SAMPLES["account_created"].content
    rendered = JinjaEmailRenderer().render(content)

    assert "Se connecter :\nhttps://efpconnect.emploi.gouv.fr/connexion\n" in rendered.text
    assert '<a href="https://efpconnect.emploi.gouv.fr/connexion"' in rendered.html
    assert ">Se connecter</a>" in rendered.html
    assert "Se connecter" not in JinjaEmailRenderer().render(content.model_copy(update={"link": None})).text


@pytest.mark.parametrize("template", ["signup_verification_code", "password_reset_code"])
def test_a_command_of_an_older_producer_still_parses_without_link_nor_names(template: str) -> None:
    body = f'{{"to": "ada@example.fr", "content": {{"template": "{template}", "code": "482913"}}}}'

    content = SendEmailV1.model_validate_json(body).content

    assert isinstance(content, SignupVerificationCodeV1 | PasswordResetCodeV1)
    assert content.link is None
