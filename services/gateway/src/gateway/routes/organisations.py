"""Organisations directory routes (identity service). Paths and fields follow API.md « Account »."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, StringConstraints

from contracts.organisations import OrganisationsFoundV1, SearchOrganisationsV1
from gateway.problems import problem_responses
from gateway.rpc import IDENTITY, rpc_client

router = APIRouter(prefix="/api/v1", tags=["Organisations"])

# Trimmed before the length check: « a » padded with spaces is still one character.
SearchText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=100),
    Query(
        description="Raison sociale (mots ou débuts de mots, sans tenir compte des accents ni des majuscules), "
        "numéro SIREN (9 chiffres) ou SIRET (14 chiffres, espaces permis).",
        examples=["emeraude", "356000000", "356 000 000 00048"],
    ),
]


class EstablishmentOut(BaseModel):
    siret: str
    name: str
    address: str
    postcode: str
    city: str


class OrganisationOut(BaseModel):
    siren: str
    name: str
    establishments: list[EstablishmentOut]


@router.get("/organisations", response_model=list[OrganisationOut], responses=problem_responses(422, 503))
async def search_organisations(q: SearchText, request: Request) -> list[OrganisationOut]:
    """Recherche d'organisations ouvertes et de leurs établissements ouverts (au plus 20 résultats)."""
    found = await rpc_client(request).call(IDENTITY, SearchOrganisationsV1(q=q), OrganisationsFoundV1)
    return [
        OrganisationOut(
            siren=organisation.siren,
            name=organisation.name,
            establishments=[
                EstablishmentOut(
                    siret=establishment.siret,
                    name=establishment.name,
                    address=establishment.address,
                    postcode=establishment.postcode,
                    city=establishment.city,
                )
                for establishment in organisation.establishments
            ],
        )
        for organisation in found.organisations
    ]
