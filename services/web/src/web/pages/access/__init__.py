"""No access yet (guide 000 §3.2 steps 15–16, §4): the activation code, the charter, the
self-habilitation and the CGU; or the access request and its follow-up."""

from fastapi import APIRouter

router = APIRouter()
