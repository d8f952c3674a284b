"""What every message this service sends has in common: every outbox entry names it as its producer.

Use cases build their messages with `efp_runtime.outbox.Outgoing(PRODUCER, context)`; each feature's
`messages.py` maps its aggregate's events to contract events and e-mails.
"""

PRODUCER = "habilitation"
