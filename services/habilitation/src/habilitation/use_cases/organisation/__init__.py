"""An organisation's people: the local account copies, the users listing, a person's summary."""
