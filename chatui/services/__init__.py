"""Services between providers/store and the interfaces: sessions that stream and persist."""
