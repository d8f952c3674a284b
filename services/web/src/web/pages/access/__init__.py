"""No access yet (guide 000 §3.2 steps 15–24, §4): the activation code, the charter, the
self-habilitation and the CGU; or the access request and its follow-up (« Mes demandes »)."""

from fastapi import APIRouter

from web.pages.access import activation, onboarding, requests

router = APIRouter()
router.include_router(activation.router)
router.include_router(onboarding.router)
router.include_router(requests.router)
