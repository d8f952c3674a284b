"""Invitations (guide 000 §6.2): the wizard, pending invitations, and the e-mail's link."""

from fastapi import APIRouter

router = APIRouter()
