"""The 6-digit codes e-mailed at sign-up and for a password reset: made, hashed, their sends capped."""
