"""How people's names compare and are searched: case- and accent-insensitive, by word prefix."""

import unicodedata


def name_key(text: str) -> str:
    """The comparable form of a name: accents dropped, case folded, spaces collapsed (« Éloïse » → « eloise »)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def search_words(last_name: str, first_name: str) -> list[str]:
    """What a search prefix may start: each word of either name, each whole name, and both in either order.

    « Le Goff » is found by « le », « goff » and « le go »; « dupont j » finds Jean Dupont.
    """
    last, first = name_key(last_name), name_key(first_name)
    words = {*last.replace("-", " ").split(), *first.replace("-", " ").split(), last, first}
    words |= {f"{last} {first}".strip(), f"{first} {last}".strip()}
    return sorted(w for w in words if w)
