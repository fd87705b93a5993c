"""Reliability suite: faults, crashes, hostile output, bad input, secrets (docs/reliability.md)."""
