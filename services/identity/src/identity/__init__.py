"""Identity service: EFP Connect accounts."""
