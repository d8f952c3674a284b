"""Invitations: a manager invites a person by e-mail with the habilitations to grant."""
