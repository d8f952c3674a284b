"""Gestion des accès (guide 000 §6.1, §6.3, §6.4; guide 001): users, access requests, managers, delegation, messages."""

from fastapi import APIRouter

from web.pages.management.delegation import router as delegation_router
from web.pages.management.habilitations import router as habilitations_router
from web.pages.management.messages import router as messages_router
from web.pages.management.requests import router as requests_router
from web.pages.management.user import router as user_router
from web.pages.management.users import router as users_router

router = APIRouter()
# The routes themselves, not included routers: the app and the catalogue's test read `router.routes`
# as plain routes (this FastAPI includes routers lazily).
for part in (users_router, habilitations_router, user_router, requests_router, delegation_router, messages_router):
    router.routes.extend(part.routes)
