"""Access managers: who may act on an organisation, appointed and withdrawn by their peers."""
