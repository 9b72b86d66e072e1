"""Rasa input channels (credentials.yml), and the credentials file written from the
environment (credentials.py)."""
