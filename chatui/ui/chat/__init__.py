"""The chat screen: reply messages routed to the view, prompt, attachment bar, status bar,
message actions and commands."""
