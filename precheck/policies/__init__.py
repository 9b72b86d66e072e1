"""Rasa dialogue policies (config.yml `policies:`)."""
