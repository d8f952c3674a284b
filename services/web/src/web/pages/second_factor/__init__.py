"""The second factor: the login's second step and step-up (`prove`), « Mon compte » (`settings`,
`enrol`); `routes` joins their routers (kept out of this file: `common` is imported by the login
and sign-in pages, which `prove` imports in turn)."""
