"""Renders the French e-mail templates (text and HTML) with Jinja2; HTML is autoescaped."""

from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from contracts.notification import EmailContent
from notification.domain.catalogue import SUBJECTS
from notification.domain.masking import masked_content
from notification.use_cases.sending.ports import RenderedEmail

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
        # One line whatever the content holds: a line break in a header is refused, or worse, injected.
        subject = " ".join(self._subjects[content.template].render(**data).split())
        return RenderedEmail(
            subject=subject,
            text=self._env.get_template(f"{content.template}.txt.j2").render(subject=subject, **data),
            html=self._env.get_template(f"{content.template}.html.j2").render(subject=subject, **data),
        )
