"""The OpenID Connect provider's use cases: clients, codes, tokens, keys, logout."""
