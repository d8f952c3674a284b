"""Mon compte (guide 000 §5): my information, my password, my habilitations, my messages."""

from fastapi import APIRouter

router = APIRouter()
