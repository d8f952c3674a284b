"""A SIRET as people type it (spaces, groups of digits): the one place it is read."""


def normalize_siret(typed: str) -> str | None:
    """The 14 digits without the spaces, or None if that is not a SIRET."""
    siret = "".join(typed.split())
    return siret if len(siret) == 14 and siret.isdigit() else None
