"""Invitations (guide 000 §6.2): the wizard, pending invitations, and the e-mail's link."""

from fastapi import APIRouter

from web.pages.invitations import accept, first_password, pending, wizard

router = APIRouter()
# The modules' routes themselves (each already carries its prefix), not included routers: the app and
# the catalogue test read `router.routes` as routes. The wizard's fixed path comes before `{invitation_id}`.
for module in (wizard, pending, accept, first_password):
    router.routes.extend(module.router.routes)
