"""The clinical thresholds, defined once: the rules (rules.py), the intake (a temperature
the client gives) and the clinical vocabulary (a reading under the fever threshold is no
fever) all read them from here."""

# A body temperature at or over this is a fever (P3) ...
FEVER_C = 38.0
# ... and at or over this a high fever, a red flag (R5).
HIGH_FEVER_C = 39.0
# The same, as a client reads a Fahrenheit thermometer (the specification's "39 °C / 102 °F"):
# 102 °F is 38.9 °C, so a reading in °F is held against these.
FEVER_F = 100.4
HIGH_FEVER_F = 102.0
