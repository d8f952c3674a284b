"""The organisations directory: SIRENE imported, searched, looked up."""
