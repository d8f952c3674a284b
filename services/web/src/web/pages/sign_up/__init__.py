"""Je crée mon compte EFP Connect (guide 000 §3.2 steps 3–12): the five steps of the sign-up."""

from fastapi import APIRouter

from web.pages.sign_up import details, organisation, start

router = APIRouter()
router.include_router(start.router)
router.include_router(details.router)
router.include_router(organisation.router)
