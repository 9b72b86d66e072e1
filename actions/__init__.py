"""Custom actions of the pre-massage check (run by `rasa run actions --actions actions`,
which imports every module of this package and registers its actions).

The actions are thin glue: understanding.py and questions.py decide what a message
answers and what to ask next; protocol/ decides the advice. Nothing here knows
a clinical rule, and importing protocol alone needs neither Rasa nor spaCy.
"""
