"""Web service: the pages of EFP Connect, rendered on the server, in the State's design system."""
