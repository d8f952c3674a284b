"""Mon compte (guide 000 §5): my information, my password, my habilitations, my messages; my data (issue 15):
my e-mail address's change, the download of my data, my account's deletion."""

from fastapi import APIRouter

from web.pages.account import activity, deletion, email_change, my_data, profile

router = APIRouter()
for module in (profile, activity, email_change, my_data, deletion):
    router.include_router(module.router)
