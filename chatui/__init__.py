"""chatui: a keyboard-driven terminal chat client for LLMs."""

__version__ = "0.1.0"
