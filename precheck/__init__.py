"""What Rasa loads from this project, grouped as Rasa groups it: `channels/` (input
channels), `nlu/` (NLU components), `policies/`, `stores/` (tracker and lock store),
`patches/` (the only changes to Rasa's and Sanic's own code), and the action server's
guard (`action_guard.py`). config.yml, credentials.yml and endpoints.yml name them by
module path. Importing this package imports nothing else.
"""
