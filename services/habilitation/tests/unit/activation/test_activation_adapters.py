"""The activation adapters that need no server: code hasher, charter text, PDF letter; and the route table."""

import contextlib
import zlib
from datetime import UTC, datetime

import pytest

from contracts import activation as a
from contracts.catalogue import requests_of
from habilitation.adapters.fpdf_activation_letter import FpdfActivationLetter
from habilitation.adapters.hmac_code_hasher import HmacCodeHasher
from habilitation.adapters.package_charter_text import PackageCharterText
from habilitation.domain.activation_code import add_months
from habilitation.domain.catalogue import CHARTER_VERSION
from habilitation.entrypoints.activation_routes import activation_routes
from habilitation.use_cases.activation.ports import LetterContent

KEY = b"k" * 32


def test_the_hash_is_keyed_and_scoped_to_the_siret() -> None:
    hasher = HmacCodeHasher(KEY)

    digest = hasher.hash("00001011600036", "KBJ9SRMSN8F7")

    assert len(digest) == 64
    assert "KBJ9SRMSN8F7" not in digest
    assert digest == HmacCodeHasher(KEY).hash("00001011600036", "KBJ9SRMSN8F7")
    assert digest != hasher.hash("00001011600044", "KBJ9SRMSN8F7")
    assert digest != HmacCodeHasher(b"x" * 32).hash("00001011600036", "KBJ9SRMSN8F7")


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        HmacCodeHasher(b"short")


def test_the_charter_of_the_current_version_is_shipped() -> None:
    text = PackageCharterText().text(CHARTER_VERSION)

    assert "Charte du responsable des accès" in text
    assert "ARTICLE 8" in text


def test_an_unknown_charter_version_is_an_error() -> None:
    with pytest.raises(FileNotFoundError):
        PackageCharterText().text("1999-01")


def _page_text(pdf: bytes) -> bytes:
    """The decompressed content streams of a fpdf2 document (enough to find the words drawn).

    A decompressor object, not `zlib.decompress`: it ignores the end-of-line before `endstream`
    without our having to strip it (stripping could cut compressed bytes that happen to be CR or LF)."""
    parts, start = [], 0
    while (start := pdf.find(b"stream\n", start)) != -1:
        end = pdf.find(b"endstream", start)
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(pdf[start + 7 : end]))
        start = end
    return b"".join(parts)


def test_the_letter_is_a_one_page_pdf_with_siret_code_and_paris_dates() -> None:
    # 23:30 UTC on 22 November is already the 23rd in Paris.
    issued = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    letter = LetterContent(
        reference="ref-1",
        service_label="CERES",
        service_url="https://ceres.emploi.gouv.fr",
        organisation_name="Centre Émeraude",
        establishment_name="Émeraude Lyon",
        siret="00001011600036",
        code="KBJ9SRMSN8F7",
        issued_at=issued,
        expires_at=add_months(issued, 6),
    )

    pdf = FpdfActivationLetter().render(letter)

    assert pdf.startswith(b"%PDF-")
    assert b"/Count 1" in pdf
    drawn = _page_text(pdf)
    for words in (
        "Objet : Modalités d'accès à l'applicatif CERES",
        "Madame, Monsieur,",
        "00001011600036",
        "KBJ9SRMSN8F7",
        "Code d'activation",
        "https://ceres.emploi.gouv.fr",
        "Paris, le 23/11/2026",
        "23/05/2027",
        # The CONTACT block of guide 000, not the 2018 helpline.
        "CONTACT",
        "N°Vert 0 805 032 430",
        "du lundi au vendredi, de 9h à 18h, sans interruption.",
        "DGCOPOP",  # after « DDETS / DDETSPP / DR(I)EETS », whose parentheses PDF escapes
        "https://travail-emploi.gouv.fr",
    ):
        assert words.encode("windows-1252") in drawn, words
    assert b"01 46 29 25 54" not in drawn


def test_every_activation_request_has_a_route() -> None:
    class Container:
        def __getattr__(self, name: str) -> object:
            return self  # a use case, or the operator's group of them (`for_operator`)

    routes = activation_routes(Container())  # type: ignore[arg-type]

    assert set(routes) == {m for m in requests_of("habilitation") if m.__module__ == a.__name__}
