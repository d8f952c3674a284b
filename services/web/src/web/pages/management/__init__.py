"""Gestion des accès (guide 000 §6.1, §6.3, §6.4; guide 001): users, access requests, managers, delegation, messages."""

from fastapi import APIRouter

router = APIRouter()
