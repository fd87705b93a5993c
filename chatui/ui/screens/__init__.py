"""The other screens and dialogs: history, help, model picker, settings, confirmations."""
