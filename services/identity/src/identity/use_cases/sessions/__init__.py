"""Login, logout and who is behind a session."""
