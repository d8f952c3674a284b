"""Sign-up: the five steps of a registration, its codes, its expiry."""
