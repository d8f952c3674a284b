"""The catalogue's texts: roles of a service, its CGU and their acceptance."""
