"""Every e-mail of the catalogue, in text and HTML: French wording, links, dates, escaping, masking."""

import html
from datetime import date
from importlib.resources import files
from typing import Any, Literal, get_args, get_origin

import pytest
from pydantic import BaseModel

from contracts.notification import EmailContent, InvitationResentV1, InvitationV1, SendEmailV1
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.domain.catalogue import MASK, SUBJECTS
from services.notification.tests.unit.samples import SAMPLES, readable

FOOTER = "Ce message est envoyé par un automate, merci de ne pas y répondre."
SCRIPT = "<script>alert(1)</script>"
TEMPLATES = sorted(SUBJECTS)


def shown_values(data: Any, kind: type) -> list[Any]:
    """Every value of this type in the content, nested habilitations included."""
    if isinstance(data, dict):
        return [v for value in data.values() for v in shown_values(value, kind)]
    if isinstance(data, list | tuple):
        return [v for value in data for v in shown_values(value, kind)]
    return [data] if isinstance(data, kind) else []


def with_markup(content: BaseModel) -> BaseModel:
    """Every free-text field (not a Literal) set to markup, bypassing validation as a hostile producer could."""
    update: dict[str, Any] = {}
    for name, field in type(content).model_fields.items():
        value = getattr(content, name)
        if isinstance(value, str) and get_origin(field.annotation) is not Literal:
            update[name] = SCRIPT
        elif isinstance(value, tuple):
            update[name] = tuple(with_markup(item) for item in value)
    return content.model_copy(update=update)


def union_members() -> list[type[BaseModel]]:
    union, _discriminator = get_args(EmailContent)
    return list(get_args(union))


def template_files() -> set[str]:
    """Template files of e-mails: the base layouts and the `_` building blocks are not e-mails."""
    names = [entry.name for entry in (files("notification") / "templates").iterdir()]
    return {name for name in names if name.endswith(".j2") and not name.startswith(("base.", "_"))}


def test_every_union_member_has_a_subject_and_both_template_files() -> None:
    for member in union_members():
        template = member.model_fields["template"].default
        assert template in SUBJECTS, member.__name__
        assert {f"{template}.txt.j2", f"{template}.html.j2"} <= template_files(), member.__name__


def test_every_template_file_and_subject_belongs_to_a_union_member() -> None:
    templates = {member.model_fields["template"].default for member in union_members()}

    assert set(SUBJECTS) == templates
    assert template_files() == {f"{t}.{part}.j2" for t in templates for part in ("txt", "html")}


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_sample_travels_in_a_send_email_command(template: str) -> None:
    command = SendEmailV1(to="helene.lefevre@cfi-atlantique.fr", content=SAMPLES[template].content)

    assert SendEmailV1.model_validate_json(command.model_dump_json()).content == SAMPLES[template].content


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_subject_is_the_french_catalogue_wording_on_one_line(template: str) -> None:
    sample = SAMPLES[template]

    rendered = JinjaEmailRenderer().render(sample.content)

    assert rendered.subject == sample.subject
    assert sample.subject in readable(rendered.text)
    assert sample.subject in readable(rendered.html)


@pytest.mark.parametrize("template", TEMPLATES)
def test_both_parts_have_the_french_wording_and_the_footer(template: str) -> None:
    rendered = JinjaEmailRenderer().render(SAMPLES[template].content)

    for sentence in (*SAMPLES[template].wording, FOOTER):
        assert sentence in readable(rendered.text)
        assert sentence in readable(rendered.html)


@pytest.mark.parametrize("template", TEMPLATES)
def test_both_parts_show_every_date_as_dd_mm_yyyy(template: str) -> None:
    content = SAMPLES[template].content
    rendered = JinjaEmailRenderer().render(content)

    for day in shown_values(content.model_dump(), date):
        assert day.strftime("%d/%m/%Y") in rendered.text
        assert day.strftime("%d/%m/%Y") in rendered.html
        assert day.isoformat() not in rendered.text + rendered.html


@pytest.mark.parametrize("template", TEMPLATES)
def test_both_parts_carry_every_link_and_html_makes_it_an_anchor(template: str) -> None:
    content = SAMPLES[template].content
    rendered = JinjaEmailRenderer().render(content)
    links = [getattr(content, name) for name in type(content).model_fields if name.endswith("link")]

    for link in filter(None, links):
        assert link in rendered.text
        assert f'href="{html.escape(link)}"' in rendered.html


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_html_part_escapes_markup_from_every_text_field(template: str) -> None:
    hostile = with_markup(SAMPLES[template].content)

    rendered = JinjaEmailRenderer().render(hostile)

    assert "<script" not in rendered.html
    if hostile != SAMPLES[template].content:  # some e-mails show no text from the content at all
        assert html.escape(SCRIPT) in rendered.html
        # Plain text is not HTML: it shows the characters as they are.
        assert SCRIPT in rendered.text


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_masked_rendering_hides_every_secret_and_keeps_the_wording(template: str) -> None:
    sample = SAMPLES[template]

    secrets = [getattr(sample.content, name) for name in sample.content.SECRET_FIELDS]

    masked = JinjaEmailRenderer().render(sample.content, masked=True)

    for secret in secrets:
        assert secret not in masked.text + masked.html + masked.subject
        assert MASK in masked.text
        assert MASK in masked.html
    assert masked.subject == sample.subject
    for sentence in sample.wording:
        if not any(secret in sentence for secret in secrets):
            assert sentence in readable(masked.text)
            assert sentence in readable(masked.html)


def test_invitation_links_are_secret_because_they_carry_the_single_use_token() -> None:
    assert InvitationV1.SECRET_FIELDS == ("link",)
    assert InvitationResentV1.SECRET_FIELDS == ("link",)
