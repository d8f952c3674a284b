"""Draws a captcha as SVG: jittered, rotated glyphs over noise lines. Self-hosted, no font files."""

import html
import secrets

WIDTH, HEIGHT = 200, 70


def _rand(low: int, high: int) -> int:
    return low + secrets.randbelow(high - low + 1)


class SvgCaptchaRenderer:
    def render_svg(self, text: str) -> str:
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Code de sécurité">',
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f2f2f2"/>',
        ]
        for _ in range(7):
            parts.append(
                f'<line x1="{_rand(0, WIDTH)}" y1="{_rand(0, HEIGHT)}" x2="{_rand(0, WIDTH)}" '
                f'y2="{_rand(0, HEIGHT)}" stroke="#{_rand(0x40, 0xA0):02x}{_rand(0x40, 0xA0):02x}a0" '
                f'stroke-width="{_rand(1, 2)}"/>'
            )
        step = (WIDTH - 20) // max(len(text), 1)
        for index, char in enumerate(text):
            x, y, angle = 14 + index * step + _rand(-3, 3), 48 + _rand(-8, 8), _rand(-25, 25)
            parts.append(
                f'<text x="{x}" y="{y}" transform="rotate({angle} {x} {y})" font-family="monospace" '
                f'font-size="{_rand(30, 38)}" font-weight="bold" fill="#1e1e50">{html.escape(char)}</text>'
            )
        parts.append("</svg>")
        return "".join(parts)
