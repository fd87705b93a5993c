"""Command line: `chatui` (the TUI), `chatui ask`, `chatui models`, `chatui history`."""
