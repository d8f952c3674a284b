"""The CGU of the digital services, read from the package's data (habilitation/data/terms-<service>-<version>.md)."""

from importlib import resources


class PackageTermsText:
    def __init__(self) -> None:
        self._texts: dict[tuple[str, str], str] = {}

    def text(self, service: str, version: str) -> str:
        """Raises FileNotFoundError for a service or version the package does not ship."""
        if (service, version) not in self._texts:
            path = resources.files("habilitation").joinpath("data").joinpath(f"terms-{service}-{version}.md")
            self._texts[service, version] = path.read_text(encoding="utf-8")
        return self._texts[service, version]
