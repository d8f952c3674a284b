"""« Modifier mon adresse e-mail »: the new address proved by a code, as at sign-up."""
