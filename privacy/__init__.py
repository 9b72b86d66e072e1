"""Privacy of the clients' health data: the tracker store that forgets (on request and after
the retention period) and the action server's guard (only Rasa may call it)."""
