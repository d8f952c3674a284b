"""Organisations directory routes (identity service). Paths and fields follow API.md « Account »."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, StringConstraints

from contracts.organisations import SearchOrganisationsV1
from gateway.pagination import Cursor, Page, decode_cursor, encode_cursor
from gateway.problems import problem_responses
from gateway.rpc import IDENTITY, Rpc

router = APIRouter(prefix="/api/v1", tags=["Organisations"])

# Trimmed before the length check. A blank query is refused here; what is too short to search (a word
# of 3 letters at least, or a SIREN / SIRET) is identity's rule, with its message for the field.
SearchText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
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


@router.get("/organisations", response_model=Page[OrganisationOut], responses=problem_responses(422, 503))
async def search_organisations(
    q: SearchText,
    rpc: Rpc,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=50, description="Résultats par page (20 par défaut, 50 au plus).")] = 20,
) -> Page[OrganisationOut]:
    """Recherche d'organisations ouvertes et de leurs établissements ouverts, par raison sociale (ordre
    alphabétique, page par page ; dans une page, le nom exact puis ceux qui commencent par la recherche
    d'abord), SIREN ou SIRET (une seule page). Une recherche par nom demande un mot d'au moins 3 lettres
    ou chiffres (sinon 422, champ `q`). `total` compte les organisations trouvées, jusqu'à 1 000 : au-delà,
    il vaut 1 000 et la recherche est à préciser."""
    query = SearchOrganisationsV1(q=q, limit=limit, after=decode_cursor(cursor, 2))
    found = await rpc.call(IDENTITY, query)
    items = [
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
    total = found.total if found.total is not None else len(items)
    return Page(items=items, next_cursor=encode_cursor(found.next_after), total=total)
