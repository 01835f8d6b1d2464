"""Live rounds: websockets that push "this round changed" to the pages showing it (events, consumers, routing)."""
