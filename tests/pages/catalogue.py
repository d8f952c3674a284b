"""The screen catalogue (`tests/pages/screens/*.yaml`, one file per feature): for each screen of the
guides its route, title, heading, labels, buttons and messages, and the guide section they come from.

A pages test that reaches a screen calls `check_screen(id, html)`; `test_catalogue.py` checks that
every page route of the web service has an entry and that every entry is checked by some test.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from bs4 import BeautifulSoup, Tag

SCREENS_DIR = Path(__file__).parent / "screens"
SITE = "EFP Connect"


@dataclass(frozen=True)
class Screen:
    id: str
    route: str
    guide: str
    title: str
    heading: str
    labels: tuple[str, ...] = ()
    buttons: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class NotAScreen:
    """A GET route that renders nothing of its own (a redirect, a file); `why` says which."""

    route: str
    why: str
    source: str = ""


@dataclass(frozen=True)
class Catalogue:
    screens: dict[str, Screen] = field(default_factory=dict)
    not_screens: tuple[NotAScreen, ...] = ()


@cache
def catalogue() -> Catalogue:
    screens: dict[str, Screen] = {}
    others: list[NotAScreen] = []
    for path in sorted(SCREENS_DIR.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if "not_a_screen" in entry:
                others.append(NotAScreen(entry["route"], entry["not_a_screen"], path.name))
                continue
            lists = {key: tuple(entry.pop(key, ())) for key in ("labels", "buttons", "messages")}
            screen = Screen(**entry, **lists, source=path.name)
            assert screen.id not in screens, f"screen {screen.id} twice ({path.name})"
            screens[screen.id] = screen
    return Catalogue(screens, tuple(others))


def _text(node: Tag) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True)).replace("’", "'")


def _same(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("’", "'").strip()


def check_screen_is(screen_id: str, html: str) -> BeautifulSoup:
    """The rendered page is that screen: its title and its heading (whatever state it shows)."""
    screen = catalogue().screens[screen_id]
    soup = BeautifulSoup(html, "html.parser")
    where = f"screen {screen_id} ({screen.source}, guide {screen.guide})"
    title = soup.title.get_text(strip=True) if soup.title else ""
    assert _same(title) == _same(f"{screen.title} – {SITE}"), f"{where}: title is {title!r}"
    headings = [_text(h1) for h1 in soup.find_all("h1")]
    assert _same(screen.heading) in headings, f"{where}: h1 are {headings}"
    return soup


def check_screen(screen_id: str, html: str) -> None:
    """The rendered page says what the catalogue (and so the guide) says, where a person reads it."""
    screen = catalogue().screens[screen_id]
    soup = check_screen_is(screen_id, html)
    where = f"screen {screen_id} ({screen.source}, guide {screen.guide})"
    labels = [_text(node) for node in soup.find_all(["label", "legend"])]
    for label in screen.labels:
        assert any(text.startswith(_same(label)) for text in labels), f"{where}: no label {label!r} in {labels}"
    buttons = [_text(node) for node in soup.find_all("button")]
    buttons += [_same(str(node.get("value", ""))) for node in soup.find_all("input", type="submit")]
    buttons += [_text(node) for node in soup.find_all("a") if "fr-btn" in (node.get("class") or [])]
    for button in screen.buttons:
        assert _same(button) in buttons, f"{where}: no button {button!r} in {buttons}"
    main = soup.find("main") or soup
    text = _text(main)
    for message in screen.messages:
        assert _same(message) in text, f"{where}: no message {message!r}"
