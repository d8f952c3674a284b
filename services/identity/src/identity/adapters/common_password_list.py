"""Common passwords: zxcvbn's list of 30,000 plus a French supplement shipped with the service.

A password is common if it is on the list, or if what remains once the digits and symbols
around it are stripped is (« Azertyuiop2024! » is « azertyuiop » dressed up).
"""

import re
from importlib.resources import files

from zxcvbn.frequency_lists import FREQUENCY_LISTS

_CORE = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$")


class CommonPasswordList:
    def __init__(self) -> None:
        supplement = files("identity").joinpath("data/common-passwords-fr.txt").read_text(encoding="utf-8")
        french = {line.strip() for line in supplement.splitlines() if line.strip() and not line.startswith("#")}
        self._words = frozenset(FREQUENCY_LISTS["passwords"]) | french

    def __call__(self, password: str) -> bool:
        lowered = password.lower()
        if lowered in self._words:
            return True
        match = _CORE.match(lowered)
        core = match.group(1) if match else lowered
        return len(core) >= 4 and core in self._words
