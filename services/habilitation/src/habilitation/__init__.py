"""Habilitation service: who may do what, on which establishment, until when."""
