"""Jinja2 for the pages: autoescape on, French dates (JJ/MM/AAAA), one layout with all the branding."""

from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
SITE_NAME = "EFP Connect"


def date_fr(value: Any) -> str:
    """`2026-11-22`, `2026-11-22T10:00:00Z` or a date → « 22/11/2026 »; empty stays empty."""
    if not value:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    try:
        return date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return text


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count <= 1 else many}"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        enable_async=False,
    )
    env.filters["date_fr"] = date_fr
    env.globals["plural"] = plural
    env.globals["site_name"] = SITE_NAME
    return env
