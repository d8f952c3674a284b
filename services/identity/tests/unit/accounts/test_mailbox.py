"""Shared mailboxes (« contact@… ») are refused as a person's login, tags included."""

import pytest

from identity.domain.mailbox import DEFAULT_SHARED_LOCAL_PARTS, is_shared_mailbox

SHARED = ("contact", "rh")


@pytest.mark.parametrize("email", ["contact@example.fr", "rh@example.fr", "CONTACT@Example.fr", "Rh@example.fr"])
def test_a_listed_local_part_is_shared_whatever_its_case(email: str) -> None:
    assert is_shared_mailbox(email, SHARED) is True


@pytest.mark.parametrize("email", ["contact+ceres@example.fr", "rh+2024@example.fr", "Contact+X@example.fr"])
def test_a_tag_does_not_hide_a_shared_mailbox(email: str) -> None:
    assert is_shared_mailbox(email, SHARED) is True


@pytest.mark.parametrize(
    "email", ["ada@example.fr", "contacts@example.fr", "rh.paris@example.fr", "ada+contact@example.fr", "c@contact.fr"]
)
def test_a_personal_address_is_not_shared(email: str) -> None:
    assert is_shared_mailbox(email, SHARED) is False


def test_only_the_configured_list_counts() -> None:
    assert is_shared_mailbox("info@example.fr", SHARED) is False
    assert is_shared_mailbox("info@example.fr", DEFAULT_SHARED_LOCAL_PARTS) is True


def test_the_default_list_holds_the_common_french_role_addresses() -> None:
    for local_part in ("contact", "accueil", "secretariat", "rh", "formation", "compta", "no-reply"):
        assert is_shared_mailbox(f"{local_part}@example.fr", DEFAULT_SHARED_LOCAL_PARTS)
