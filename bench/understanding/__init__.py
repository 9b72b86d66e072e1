"""Measuring how well the assistant understands clients: the frozen blind banks and the
simulated client (`make eval`)."""
