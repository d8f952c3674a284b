"""The French sign-up code e-mail, in text and HTML, clear and masked, with HTML escaping."""

import pytest

from contracts.notification import SignupVerificationCodeV1
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.domain.catalogue import MASK
from notification.use_cases.sending.ports import RenderedEmail

SUBJECT = "Validation de votre compte EFP CONNECT"
WORDING = [
    "Afin de finaliser la création de votre compte EFP CONNECT, merci de saisir le code de validation ci-dessous :",
    "Ce code expirera dans 1 heure.",
    "Ce message est envoyé par un automate, merci de ne pas y répondre.",
]


@pytest.fixture(scope="module")
def rendered() -> RenderedEmail:
    return JinjaEmailRenderer().render(SignupVerificationCodeV1(code="482913"))


@pytest.fixture(scope="module")
def masked() -> RenderedEmail:
    return JinjaEmailRenderer().render(SignupVerificationCodeV1(code="482913"), masked=True)


def test_the_subject_is_the_catalogue_wording(rendered: RenderedEmail) -> None:
    assert rendered.subject == SUBJECT


@pytest.mark.parametrize("sentence", [SUBJECT, *WORDING])
def test_the_text_part_has_the_french_wording(rendered: RenderedEmail, sentence: str) -> None:
    assert sentence in rendered.text


@pytest.mark.parametrize("sentence", [SUBJECT, *WORDING])
def test_the_html_part_has_the_french_wording(rendered: RenderedEmail, sentence: str) -> None:
    assert sentence in rendered.html


def test_both_parts_show_the_code(rendered: RenderedEmail) -> None:
    assert "\n482913\n" in rendered.text
    assert ">482913</p>" in rendered.html


def test_the_html_part_is_a_french_html_document(rendered: RenderedEmail) -> None:
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in rendered.html
    assert f"<title>{SUBJECT}</title>" in rendered.html


def test_several_hours_are_written_in_the_plural() -> None:
    text = JinjaEmailRenderer().render(SignupVerificationCodeV1(code="482913", valid_for_hours=2)).text

    assert "Ce code expirera dans 2 heures." in text


def test_the_masked_rendering_hides_the_code_in_both_parts(masked: RenderedEmail) -> None:
    assert "482913" not in masked.text
    assert "482913" not in masked.html
    assert f"\n{MASK}\n" in masked.text
    assert f">{MASK}</p>" in masked.html
    assert MASK == "••••••"


def test_the_masked_rendering_keeps_subject_and_wording(masked: RenderedEmail) -> None:
    assert masked.subject == SUBJECT
    assert all(sentence in masked.text for sentence in WORDING)


def test_the_html_part_escapes_markup_in_the_content() -> None:
    content = SignupVerificationCodeV1.model_construct(code="<script>alert(1)</script>")

    rendered = JinjaEmailRenderer().render(content)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "<script>" not in rendered.html
    # Plain text is not HTML: it shows the characters as they are.
    assert "<script>alert(1)</script>" in rendered.text
