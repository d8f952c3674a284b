"""Single sign-on (OpenID Connect): discovery, the authorization request, the relying parties' logout."""

from fastapi import APIRouter

from web.pages.sign_in import authorize, discovery, logout

router = APIRouter()
for module in (discovery, authorize, logout):
    router.include_router(module.router)
