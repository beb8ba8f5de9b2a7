"""Webhooks: organisations subscribe URLs to events; an outbox in the database holds
each event until a worker has delivered it (README: Webhooks)."""
