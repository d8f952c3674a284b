"""The access-manager charter, read from the package's data (habilitation/data/charter-<version>.md)."""

from importlib import resources


class PackageCharterText:
    def __init__(self) -> None:
        self._texts: dict[str, str] = {}

    def text(self, version: str) -> str:
        """Raises FileNotFoundError for a version the package does not ship."""
        if version not in self._texts:
            path = resources.files("habilitation").joinpath("data").joinpath(f"charter-{version}.md")
            self._texts[version] = path.read_text(encoding="utf-8")
        return self._texts[version]
