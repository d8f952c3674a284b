"""The screen catalogue covers the web service: every page route has its entry, every entry is a
route, and every screen is checked against a rendered page by some test."""

import re
from pathlib import Path

from tests.pages.catalogue import catalogue
from web.main import create_app
from web.sessions import MemorySessionStore

TESTS = Path(__file__).parent.parent


def _get_routes() -> set[str]:
    # The app's own description of its routes: it resolves the routers each feature includes
    # (FastAPI includes them lazily, so walking `router.routes` would miss them).
    app = create_app(store=MemorySessionStore())
    return {path for path, methods in app.openapi()["paths"].items() if "get" in methods}


def test_every_page_route_is_in_the_catalogue() -> None:
    known = {screen.route for screen in catalogue().screens.values()} | {
        other.route for other in catalogue().not_screens
    }
    assert sorted(_get_routes() - known) == []


def test_every_catalogue_route_is_served() -> None:
    routes = _get_routes()
    stale = [s.id for s in catalogue().screens.values() if s.route not in routes]
    stale += [o.route for o in catalogue().not_screens if o.route not in routes]
    assert stale == []


def test_every_screen_says_where_the_guide_shows_it() -> None:
    for screen in catalogue().screens.values():
        assert re.match(r"^00[01] ", screen.guide) or "RGAA" in screen.guide, screen.id
        assert screen.title, screen.id
        assert screen.heading, screen.id


def test_every_screen_is_checked_by_a_test() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.glob("*/test_*.py"))
    checked = set(re.findall(r"check_screen\(\s*\"([\w-]+)\"", sources))
    assert sorted(set(catalogue().screens) - checked) == []
