"""One conversation's session: turns and branches, sending, saving as it streams, its settings."""
