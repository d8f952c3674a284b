"""Habilitations: granted, assigned, delegated, revoked, swept, listed and checked."""
