"""Which links an e-mail may carry: pages of the frontend (EFP_FRONTEND_URL) on an allow-listed path,
and the home page of a digital service people are given access to (CERES: « accéder au service »).

The producers write the links, but the notification service decides what it sends in the ministry's
name: a compromised producer (or anyone who could put a command on the queue) must not make it mail a
phishing link. A link elsewhere, or to a page no e-mail leads to, refuses the whole e-mail.
"""

import re
from typing import Any, Protocol
from urllib.parse import urlsplit

ID = r"[A-Za-z0-9._~%-]+"
# Every page an e-mail links to, with its query when it has one (the code, the invitation token).
PAGES = tuple(
    re.compile(pattern)
    for pattern in (
        rf"/inscription/{ID}/code(\?code=\d{{6}})?",
        r"/connexion",
        rf"/mot-de-passe-oublie/{ID}/code(\?code=\d{{6}})?",
        rf"/gestion-des-acces/demandes/{ID}",
        rf"/gestion-des-acces/utilisateurs/{ID}",
        rf"/acces/activation/{ID}/charte",
        r"/mes-habilitations",
        r"/mes-demandes",
        rf"/invitations/accepter\?token={ID}",
    )
)


class Content(Protocol):
    """An e-mail's content (a contract model): its fields as a mapping."""

    def model_dump(self) -> dict[str, Any]: ...


class ForeignLink(ValueError):
    """A command's e-mail links outside the frontend's allow-listed pages."""


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


def links_of(content: Content) -> list[str]:
    """The URLs among the content's fields (its `Link` fields are the only ones that hold one)."""
    return [
        value
        for value in content.model_dump().values()
        if isinstance(value, str) and value.startswith(("http://", "https://"))
    ]


def check_links(content: Content, frontend_url: str, service_urls: tuple[str, ...] = ()) -> None:
    """Raise ForeignLink unless every link is a page of `frontend_url` that e-mails may lead to, or
    exactly one of `service_urls`."""
    base = frontend_url.rstrip("/")
    prefix = urlsplit(base).path
    services = {url.rstrip("/") for url in service_urls}
    for link in links_of(content):
        if link.rstrip("/") in services:
            continue
        parts = urlsplit(link)
        if _origin(link) != _origin(base) or not parts.path.startswith(f"{prefix}/") or parts.fragment:
            raise ForeignLink(f"link outside {base}: {parts.scheme}://{parts.netloc}")
        path = parts.path.removeprefix(prefix)
        page = f"{path}?{parts.query}" if parts.query else path
        if not any(pattern.fullmatch(page) for pattern in PAGES):
            raise ForeignLink(f"link to a page no e-mail leads to: {path}")
