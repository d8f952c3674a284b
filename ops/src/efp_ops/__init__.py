"""efp-ops: the operators' command line of EFP Connect (one entry point over every service's operator work)."""
