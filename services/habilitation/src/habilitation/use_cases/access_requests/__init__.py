"""Access requests: a person asks a manager of their organisation for a role."""
