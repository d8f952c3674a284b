"""The second factor's routers, for `web.pages.routers()`."""

from fastapi import APIRouter

from web.pages.second_factor import enrol, prove, settings

router = APIRouter()
for module in (prove, settings, enrol):
    router.include_router(module.router)
