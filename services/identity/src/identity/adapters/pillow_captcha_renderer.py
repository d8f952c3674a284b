"""Draws a captcha as a PNG with Pillow: rotated, jittered glyphs, noise and a light wave."""

import asyncio
import io
import math
import random
import secrets
from concurrent.futures import ThreadPoolExecutor

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 200, 70
# Pillow's bundled scalable font (Aileron): no font file to ship or find on the host.
_FONT_SIZES = (32, 34, 36, 38)
_MARGIN = 6
# Clutter only (positions, angles, colours): the answer comes from `secrets` in the domain, and predicting
# noise gains an attacker nothing, so a fast PRNG reseeded from `secrets` per image, not ~1,100 syscalls.
_random = random.Random(secrets.randbits(128))  # noqa: S311

Colour = tuple[int, int, int]


def _colour(low: int, high: int) -> Colour:
    return (_random.randint(low, high), _random.randint(low, high), _random.randint(low, high))


class PillowCaptchaRenderer:
    def __init__(self) -> None:
        # Loading a FreeType face costs a few milliseconds: once per size, not per captcha.
        self._fonts = [ImageFont.load_default(size=size) for size in _FONT_SIZES]
        # One drawing thread: the faces above are shared and FreeType faces are not thread-safe, and the
        # drawing mostly holds the GIL, so more threads would hardly draw faster. A burst queues here while
        # the event loop keeps answering other requests.
        self._drawing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="captcha-drawing")

    async def render_png(self, text: str) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self._drawing, self.draw_png, text)

    def close(self) -> None:
        self._drawing.shutdown(wait=False, cancel_futures=True)

    def draw_png(self, text: str) -> bytes:
        """The drawing itself, CPU-bound (some milliseconds): call it off the event loop."""
        _random.seed(secrets.randbits(128))
        background = _colour(232, 250)
        image = Image.new("RGB", (WIDTH, HEIGHT), background)
        draw = ImageDraw.Draw(image)
        _scribble(draw, lines=5, width=2, dots=160)
        self._draw_glyphs(image, text)
        # Strokes over the glyphs as well, thin so they never hide one: the text is not simply on top.
        _scribble(draw, lines=3, width=1, dots=60)
        image = _wave(image, background)
        buffer = io.BytesIO()
        # No pnginfo: the file carries pixels only, no tEXt/iTXt chunk that could spell the answer.
        image.save(buffer, format="PNG")
        return buffer.getvalue()

    def _draw_glyphs(self, image: Image.Image, text: str) -> None:
        # Laid out by each glyph's inked width, not fixed slots, so wide letters (M, W) never pile up.
        glyphs = [self._glyph(char) for char in text]
        gaps = [_random.randint(-2, 4) if index else 0 for index in range(len(glyphs))]
        width = sum(glyph.width for glyph in glyphs) + sum(gaps)
        if width > WIDTH - 2 * _MARGIN:
            scale = (WIDTH - 2 * _MARGIN) / width
            glyphs = [
                glyph.resize((round(glyph.width * scale), round(glyph.height * scale)), Image.Resampling.LANCZOS)
                for glyph in glyphs
            ]
            gaps = [round(gap * scale) for gap in gaps]
            width = sum(glyph.width for glyph in glyphs) + sum(gaps)
        x = (WIDTH - width) // 2 + _random.randint(-4, 4)
        for glyph, gap in zip(glyphs, gaps, strict=True):
            x += gap
            top = (HEIGHT - glyph.height) // 2 + _random.randint(-7, 7)
            image.paste(glyph, (x, min(max(top, 2), HEIGHT - glyph.height - 2)), glyph)
            x += glyph.width

    def _glyph(self, char: str) -> Image.Image:
        glyph = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
        ink = _colour(10, 110)
        # A 1-pixel stroke of the same ink: the regular face is thin once rotated and warped.
        ImageDraw.Draw(glyph).text(
            (32, 32), char, font=_random.choice(self._fonts), fill=ink, anchor="mm", stroke_width=1, stroke_fill=ink
        )
        # Beyond about 20 degrees this face's 4 starts to pass for an A.
        glyph = glyph.rotate(_random.uniform(-20, 20), resample=Image.Resampling.BICUBIC, expand=True)
        return glyph.crop(glyph.getbbox())


def _scribble(draw: ImageDraw.ImageDraw, lines: int, width: int, dots: int) -> None:
    for _ in range(lines):
        start = (_random.randint(0, WIDTH), _random.randint(0, HEIGHT))
        end = (_random.randint(0, WIDTH), _random.randint(0, HEIGHT))
        draw.line([start, end], fill=_colour(90, 180), width=width)
    for _ in range(dots):
        x, y = _random.randint(0, WIDTH - 1), _random.randint(0, HEIGHT - 1)
        draw.point((x, y), fill=_colour(60, 200))


def _wave(image: Image.Image, background: Colour) -> Image.Image:
    """Bends the picture along a gentle sine, so no glyph keeps the font's exact outline."""
    amplitude = _random.uniform(2.0, 3.5)
    period = _random.uniform(70, 110)
    phase = _random.uniform(0, 2 * math.pi)

    def shift(x: int) -> float:
        return amplitude * math.sin(2 * math.pi * x / period + phase)

    step = 4
    mesh = [
        (
            (x, 0, x + step, HEIGHT),
            # Source quad corners: upper-left, lower-left, lower-right, upper-right.
            (x, shift(x), x, HEIGHT + shift(x), x + step, HEIGHT + shift(x + step), x + step, shift(x + step)),
        )
        for x in range(0, WIDTH, step)
    ]
    return image.transform(
        image.size, Image.Transform.MESH, mesh, resample=Image.Resampling.BILINEAR, fillcolor=background
    )
