"""Agents of the ministry: activation codes for a SIRET, their letter, their revocation."""

from fastapi import APIRouter

router = APIRouter()
