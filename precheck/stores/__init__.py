"""Rasa tracker and lock stores (endpoints.yml, written by scripts/stack.py)."""
