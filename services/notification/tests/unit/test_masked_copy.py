"""The e-mail and its masked copy rendered together are exactly the two renders apart, for every template."""

from typing import Any

import pytest

from contracts.notification import SignupVerificationCodeV1
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.domain.catalogue import MASK
from notification.use_cases.sending.ports import StoredCopy
from services.notification.tests.unit.samples import SAMPLES

RENDERER = JinjaEmailRenderer()


def without_optional_secrets(content: Any) -> Any:
    """The same content with each optional secret left out (older producers send no link)."""
    optional = {
        name: None
        for name in content.SECRET_FIELDS
        if not type(content).model_fields[name].is_required() and getattr(content, name) is not None
    }
    return content.model_copy(update=optional)


CONTENTS = [
    *[pytest.param(sample.content, id=name) for name, sample in SAMPLES.items()],
    *[
        pytest.param(without_optional_secrets(sample.content), id=f"{name}-without-optional-secrets")
        for name, sample in SAMPLES.items()
        if sample.content.SECRET_FIELDS
    ],
    # Secrets a mark cannot stand for (not taken by the contract today): the two renders are taken.
    pytest.param(SignupVerificationCodeV1.model_construct(code="48 29 13", link=""), id="spaced-and-empty"),
]


@pytest.mark.parametrize("content", CONTENTS)
def test_rendered_together_the_email_and_its_copy_are_the_two_renders(content: Any) -> None:
    masked = RENDERER.render(content, masked=True)

    assert RENDERER.render_with_copy(content) == (RENDERER.render(content), StoredCopy(masked.subject, masked.text))


def test_the_copy_masks_the_secrets_and_the_email_keeps_them() -> None:
    content = SAMPLES["signup_verification_code"].content

    rendered, copy = RENDERER.render_with_copy(content)

    assert content.code in rendered.text
    assert content.link in rendered.text
    assert content.code not in copy.text
    assert "\x00" not in copy.text + rendered.text
    assert copy.text.count(MASK) == 2
