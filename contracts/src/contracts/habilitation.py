"""Habilitation service: RPC requests (its domain messages arrive with the habilitation issue)."""

from contracts.rpc import PingV1

# A discriminated union once there is more than one request.
HabilitationRequest = PingV1
