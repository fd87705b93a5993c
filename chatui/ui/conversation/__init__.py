"""The line-based conversation view: entries, Markdown blocks, plain text, pacing, selection
style."""
