"""Addresses as logins: one normal form; no shared mailbox (guide §3.2: « une adresse e-mail partagée »)."""

from email_validator import EmailNotValidError, validate_email

from identity.domain.errors import InvalidInput

# Role addresses commonly shared by a team; configurable (IDENTITY_SHARED_MAILBOXES).
DEFAULT_SHARED_LOCAL_PARTS = (
    "contact",
    "info",
    "infos",
    "accueil",
    "secretariat",
    "admin",
    "administration",
    "rh",
    "direction",
    "formation",
    "formations",
    "compta",
    "comptabilite",
    "commercial",
    "service",
    "support",
    "bonjour",
    "hello",
    "noreply",
    "no-reply",
    "postmaster",
    "webmaster",
)


def is_shared_mailbox(email: str, shared_local_parts: tuple[str, ...]) -> bool:
    """True for « contact@… », « rh@… », also with a tag (« contact+ceres@… »)."""
    local_part = email.partition("@")[0].lower().split("+", 1)[0]
    return local_part in shared_local_parts


def normalise_email(raw: str) -> str:
    """The login form of an address: syntax checked, lower case (no DNS look-up here)."""
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput("L'adresse e-mail saisie n'est pas valide.", field="email") from exc
    return checked.normalized.lower()
