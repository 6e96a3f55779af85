"""The audit trail: append-only, hash-chained events for everything that touches case data."""
