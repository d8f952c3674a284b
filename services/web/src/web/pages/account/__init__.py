"""Mon compte (guide 000 §5): my information, my password, my habilitations, my messages."""

from fastapi import APIRouter

from web.pages.account import activity, profile

router = APIRouter()
router.include_router(profile.router)
router.include_router(activity.router)
