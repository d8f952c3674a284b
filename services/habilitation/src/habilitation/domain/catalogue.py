"""The digital services, their roles and their terms, as data (CERES first)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    description: str


@dataclass(frozen=True)
class DigitalService:
    code: str
    label: str
    roles: tuple[Role, ...]
    terms_version: str
    url: str

    def role(self, code: str) -> Role | None:
        return next((role for role in self.roles if role.code == code), None)


CERES = DigitalService(
    code="ceres",
    label="CERES",
    roles=(
        Role("centre_agree", "Centre agréé", "Centres de formation"),
        Role("gestionnaire_centres", "Gestionnaire CENTRES", "Gestionnaire des comptes CENTRES"),
    ),
    terms_version="2024-11",
    url="https://ceres.emploi.gouv.fr",
)

SERVICES = {service.code: service for service in (CERES,)}
# The access-manager charter (text in habilitation/data/charter-<version>.md).
CHARTER_VERSION = "2024-11"


def role_label(service: str, role: str) -> str:
    found = SERVICES[service].role(role) if service in SERVICES else None
    return found.label if found else role
