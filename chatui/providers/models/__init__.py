"""What models can take: chatui's table of the vendors' models, and what servers say of theirs."""
