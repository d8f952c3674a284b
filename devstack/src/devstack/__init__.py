"""Local infrastructure launcher: the same code starts the system for people (run) and for tests."""
