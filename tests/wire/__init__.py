"""Tests of the loopback wire server, driven by the real openai / anthropic SDKs and httpx2."""
