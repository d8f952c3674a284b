"""The regions agents answer for (INSEE codes since 2016), and the region of an establishment.

An establishment's région comes from its département, read from its INSEE commune code (« 74010 »:
the first two characters, three for overseas 97x, 2A/2B for Corsica), exact everywhere. Where the
directory has no commune code, from its postcode (the first two digits, three for overseas, 20 for
Corsica), which near a border can belong to the neighbouring département's post office.
"""

import unicodedata

REGIONS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}
_DEPARTMENTS = {
    "84": "01 03 07 15 26 38 42 43 63 69 73 74",
    "27": "21 25 39 58 70 71 89 90",
    "53": "22 29 35 56",
    "24": "18 28 36 37 41 45",
    "94": "20",
    "44": "08 10 51 52 54 55 57 67 68 88",
    "32": "02 59 60 62 80",
    "11": "75 77 78 91 92 93 94 95",
    "28": "14 27 50 61 76",
    "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "52": "44 49 53 72 85",
    "93": "04 05 06 13 83 84",
    "01": "971",
    "02": "972",
    "03": "973",
    "04": "974",
    "06": "976",
}
REGION_OF_DEPARTMENT = {department: region for region, listed in _DEPARTMENTS.items() for department in listed.split()}


def region_of_commune(commune_code: str) -> str | None:
    """The INSEE code of the région of an INSEE commune code, None when it is not one."""
    code = commune_code.strip().upper()
    if len(code) != 5 or not (code.isdigit() or (code[:2] in ("2A", "2B") and code[2:].isdigit())):
        return None
    if code[:2] in ("2A", "2B"):
        return REGION_OF_DEPARTMENT["20"]
    return REGION_OF_DEPARTMENT.get(code[:3]) or REGION_OF_DEPARTMENT.get(code[:2])


def region_of_establishment(commune_code: str, postcode: str) -> str | None:
    """By the commune code when there is one, else by the postcode."""
    return region_of_commune(commune_code) if commune_code else region_of_postcode(postcode)


def region_of_postcode(postcode: str) -> str | None:
    """The INSEE code of the région of a French postcode, None when it is not one."""
    code = postcode.strip()
    if len(code) != 5 or not code.isdigit():
        return None
    return REGION_OF_DEPARTMENT.get(code[:3]) or REGION_OF_DEPARTMENT.get(code[:2])


def _folded(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


_BY_NAME = {_folded(name): code for code, name in REGIONS.items()}


def region_code(value: str) -> str | None:
    """An agent's region as written on their account: its INSEE code or its name (accents, case and
    punctuation ignored); None when it names no région."""
    written = value.strip()
    if written in REGIONS:
        return written
    return _BY_NAME.get(_folded(written))
