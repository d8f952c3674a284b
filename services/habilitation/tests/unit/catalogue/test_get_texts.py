"""The texts a person reads before accepting them: a service's CGU and the access-manager charter."""

import re

import pytest

from contracts import habilitation_management as hm
from habilitation.adapters.package_charter_text import PackageCharterText
from habilitation.adapters.package_terms_text import PackageTermsText
from habilitation.domain.catalogue import CERES, CHARTER_VERSION
from habilitation.domain.errors import NotFound
from habilitation.fakes import InMemory
from habilitation.fakes.activation import FakeTexts
from services.habilitation.tests.unit.samples import CONTEXT


async def test_the_terms_are_those_of_the_version_accepting_them_records() -> None:
    texts = FakeTexts()

    terms = await InMemory(terms=texts).use_cases().get_terms(hm.GetTermsV1(service="ceres"), CONTEXT)

    assert (terms.service, terms.version, terms.text) == ("ceres", CERES.terms_version, "**Texte** ceres/2024-11")
    assert texts.asked == [("ceres", CERES.terms_version)]


async def test_the_terms_of_an_unknown_service_are_not_found() -> None:
    texts = FakeTexts()

    with pytest.raises(NotFound) as refused:
        await InMemory(terms=texts).use_cases().get_terms(hm.GetTermsV1(service="inconnu"), CONTEXT)

    assert refused.value.detail == "Ce service numérique n'existe pas."
    assert texts.asked == []


async def test_the_charter_is_the_version_in_force() -> None:
    charter = await InMemory(charter=FakeTexts()).use_cases().get_charter(hm.GetCharterV1(), CONTEXT)

    assert (charter.version, charter.text) == (CHARTER_VERSION, f"**Texte** {CHARTER_VERSION}")


def test_the_package_ships_the_ceres_terms_of_the_catalogue_version() -> None:
    text = PackageTermsText().text("ceres", CERES.terms_version)

    assert text.startswith("**Conditions générales d'utilisation du service CERES**")
    assert f"Version {CERES.terms_version}" in text


def test_the_package_ships_the_charter_in_force() -> None:
    assert "Charte du responsable des accès" in PackageCharterText().text(CHARTER_VERSION)


def test_the_charter_in_force_has_its_eight_articles_in_order_each_under_its_heading() -> None:
    text = PackageCharterText().text(CHARTER_VERSION)
    headings = re.findall(r"^\*\*ARTICLE (\d) – (.+)\*\*$", text, flags=re.MULTILINE)
    article_2 = text.split("**ARTICLE 2 – ")[1].split("**ARTICLE 3 – ")[0]

    assert [number for number, _ in headings] == [str(n) for n in range(1, 9)]
    assert headings[2] == ("3", "Mise à jour de la Charte")  # guide 000 §3.2
    assert "Les dispositions de la charte peuvent être amendées à tout moment" in text
    assert "En cas de manquement" not in article_2  # the sanctions belong to article 6


def test_a_version_the_package_does_not_ship_is_an_error() -> None:
    with pytest.raises(FileNotFoundError):
        PackageTermsText().text("ceres", "1999-01")
