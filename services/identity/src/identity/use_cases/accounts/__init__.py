"""Accounts: profiles, agents created by operators, accounts prepared for invitations."""
