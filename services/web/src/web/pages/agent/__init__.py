"""Agents of the ministry: activation codes for a SIRET, their letter, their revocation."""

from fastapi import APIRouter

from web.pages.agent import codes

router = APIRouter()
router.include_router(codes.router)
