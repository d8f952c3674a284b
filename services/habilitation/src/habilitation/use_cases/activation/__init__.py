"""Activation codes: issued by agents, redeemed with the charter, revoked or expired."""
