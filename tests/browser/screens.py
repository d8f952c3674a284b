"""What every journey checks on a screen: axe-core's WCAG 2.1 AA violations, and its screenshots."""

from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "services/web/node_modules/axe-core/axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Page) -> list[dict[str, object]]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now."""
    # Evaluated through DevTools, which the page's Content-Security-Policy (rightly) does not cover:
    # a <script> tag would be refused, proving the policy works but testing nothing else.
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: tags})", WCAG_21_AA)
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


def inspect_screen(page: Page, screenshots: Path, name: str) -> None:
    """Zero axe violations, and screenshots at 1280 px and 375 px."""
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"
    page.screenshot(path=str(screenshots / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(screenshots / f"{name}-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
