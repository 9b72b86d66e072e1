"""rasa-sdk's plugin package: the action server imports `rasa_sdk_plugins` (this name is
fixed by rasa_sdk/plugin.py; the project root is on its PYTHONPATH) and calls init_hooks."""

import pluggy


def init_hooks(manager: pluggy.PluginManager) -> None:
    from privacy import action_guard

    manager.register(action_guard)
