"""A person's own data: what stands in the way of their account's deletion, its handling here, their export."""
