"""Renders the French e-mail templates (text and HTML) with Jinja2; HTML is autoescaped."""

import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from contracts.notification import EmailContent
from notification.domain.catalogue import MASK, SUBJECTS
from notification.domain.masking import masked_content
from notification.use_cases.sending.ports import RenderedEmail, StoredCopy

# Times are shown as the person lives them, « le 04/12/2026 à 23:39 ».
PARIS = ZoneInfo("Europe/Paris")


def paris_time(moment: datetime) -> str:
    """« JJ/MM/AAAA à HH:MM », Paris time (the `paris_time` filter of the templates)."""
    return moment.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")


class JinjaEmailRenderer:
    def __init__(self) -> None:
        self._env = Environment(
            loader=PackageLoader("notification", "templates"),
            autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            # Templates ship with the code: no stat() of the template file on every render.
            auto_reload=False,
        )
        self._env.filters["paris_time"] = paris_time
        # Subjects name the service ({{ service_label }}); strings are not autoescaped: a header is not HTML.
        self._subjects = {name: self._env.from_string(subject) for name, subject in SUBJECTS.items()}

    def render(self, content: EmailContent, masked: bool = False) -> RenderedEmail:
        data = content.model_dump()
        if masked:
            data = masked_content(data, content.SECRET_FIELDS)
        subject, text = self._subject_and_text(content.template, data)
        html = self._env.get_template(f"{content.template}.html.j2").render(subject=subject, **data)
        return RenderedEmail(subject=subject, text=text, html=html)

    def render_with_copy(self, content: EmailContent) -> tuple[RenderedEmail, StoredCopy]:
        """The e-mail and its masked copy with one render of each part instead of two of each.

        Without secrets the copy is the e-mail. With secrets, the subject and text are rendered once
        with an unguessable mark in place of each secret, then the mark is replaced by the secret for
        the e-mail and by the mask for the copy. That is what rendering each gives when the templates
        print a secret as it is (never filter, slice or compare it: the template tests hold every
        template to that) and the secret reads the same split into words (no spaces, not empty, so a
        mark's `{% if %}` goes the same way); any other secret takes the two full renders.
        """
        data = content.model_dump()
        hidden = {name: data[name] for name in content.SECRET_FIELDS if data.get(name) is not None}
        if not all(_printed_as_is(value) for value in hidden.values()):
            masked = self.render(content, masked=True)
            return self.render(content), StoredCopy(masked.subject, masked.text)
        token = secrets.token_hex(8)
        marks = {name: f"\x00{token}{name}\x00" for name in hidden}
        marked_subject, marked_text = self._subject_and_text(content.template, {**data, **marks})
        subject, text = _filled(marked_subject, marks, hidden), _filled(marked_text, marks, hidden)
        copy = StoredCopy(_filled(marked_subject, marks, None), _filled(marked_text, marks, None))
        html = self._env.get_template(f"{content.template}.html.j2").render(subject=subject, **data)
        return RenderedEmail(subject=subject, text=text, html=html), copy

    def _subject_and_text(self, template: str, data: dict[str, Any]) -> tuple[str, str]:
        # One line whatever the content holds: a line break in a header is refused, or worse, injected.
        subject = " ".join(self._subjects[template].render(**data).split())
        return subject, self._env.get_template(f"{template}.txt.j2").render(subject=subject, **data)


def _printed_as_is(value: object) -> bool:
    return isinstance(value, str) and value != "" and "\x00" not in value and not any(c.isspace() for c in value)


def _filled(marked: str, marks: dict[str, str], values: dict[str, Any] | None) -> str:
    """Each mark replaced by its value, or by the mask when `values` is None."""
    for name, mark in marks.items():
        marked = marked.replace(mark, MASK if values is None else values[name])
    return marked
