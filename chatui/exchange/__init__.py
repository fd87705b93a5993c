"""Conversation formats in and out of the store: chatui JSON, Markdown, ChatGPT and Claude
exports."""
