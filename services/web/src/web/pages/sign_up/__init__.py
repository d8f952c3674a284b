"""Je crée mon compte EFP Connect (guide 000 §3.2 steps 3–12): the five steps of the sign-up."""

from fastapi import APIRouter

router = APIRouter()
