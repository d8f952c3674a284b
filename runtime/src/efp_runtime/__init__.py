"""The runtime kit shared by every service: plumbing only, no domain."""
