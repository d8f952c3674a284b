"""Organisations directory (owned by the identity service): search and look-up requests."""

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.rpc import Request


class EstablishmentV1(BaseModel):
    model_config = ConfigDict(frozen=True)

    siret: str
    name: str
    address: str
    postcode: str
    city: str
    # The INSEE commune code (codeCommuneEtablissement): its first characters are the département, exact
    # where a postcode near a border belongs to the neighbouring département's post office. Older replies lack it.
    commune_code: str | None = None


class OrganisationV1(BaseModel):
    model_config = ConfigDict(frozen=True)

    siren: str
    name: str
    # Open establishments only (état administratif A).
    establishments: list[EstablishmentV1]


class OrganisationsFoundV1(BaseModel):
    model_config = ConfigDict(frozen=True)

    organisations: list[OrganisationV1]
    # Added with paging: the key to ask `after` for the next page (None on the last page), and how many
    # organisations match in all. Older replies lack them.
    next_after: list[str] | None = None
    total: int | None = None


class SearchOrganisationsV1(Request[OrganisationsFoundV1]):
    """By raison sociale (words or prefixes, accents and case ignored), SIREN or SIRET."""

    MESSAGE_TYPE: ClassVar[str] = "identity.search_organisations.v1"
    kind: Literal["identity.search_organisations.v1"] = "identity.search_organisations.v1"
    q: str
    limit: int = Field(20, ge=1, le=50)
    # Added with paging: the `next_after` of the previous page (a search by words only).
    after: list[str] | None = None


class GetOrganisationV1(Request[OrganisationV1]):
    """One organisation by SIREN (not_found if unknown or with no open establishment)."""

    MESSAGE_TYPE: ClassVar[str] = "identity.get_organisation.v1"
    kind: Literal["identity.get_organisation.v1"] = "identity.get_organisation.v1"
    siren: str
