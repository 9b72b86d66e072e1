"""Rasa NLU components (config.yml `pipeline:`)."""
