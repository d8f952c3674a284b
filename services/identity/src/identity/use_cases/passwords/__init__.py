"""Passwords: forgotten (reset by an e-mailed code) or changed while logged in."""
