"""TOTP secrets at rest: sealed with the first key, opened with any, re-sealed by rotation."""

import pytest
from cryptography.fernet import Fernet

from identity.adapters.fernet_secret_box import FernetSecretBox

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_sealed_secret_opens_to_itself_and_shows_nothing_of_it() -> None:
    box = FernetSecretBox([OLD])

    sealed = box.seal("JBSWY3DPEHPK3PXP")

    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert box.open(sealed) == "JBSWY3DPEHPK3PXP"


def test_with_a_new_key_first_old_secrets_still_open_and_new_ones_use_the_new_key() -> None:
    sealed_before = FernetSecretBox([OLD]).seal("secret-1")
    box = FernetSecretBox([NEW, OLD])

    sealed_after = box.seal("secret-2")

    assert box.open(sealed_before) == "secret-1"
    assert FernetSecretBox([NEW]).open(sealed_after) == "secret-2"
    with pytest.raises(ValueError, match="could not be opened"):
        FernetSecretBox([OLD]).open(sealed_after)


def test_rotation_re_seals_with_the_first_key_so_the_old_one_can_go() -> None:
    sealed = FernetSecretBox([OLD]).seal("secret")

    rotated = FernetSecretBox([NEW, OLD]).rotate(sealed)

    assert FernetSecretBox([NEW]).open(rotated) == "secret"


def test_a_box_needs_a_key() -> None:
    with pytest.raises(ValueError, match="at least one"):
        FernetSecretBox([])
