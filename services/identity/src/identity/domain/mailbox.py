"""Shared mailboxes are not a person's login (guide §3.2 forbids « une adresse e-mail partagée »)."""

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
