"""One module per noun of the command line (agents, activation-codes, dead-letters…), each registering its verbs."""
