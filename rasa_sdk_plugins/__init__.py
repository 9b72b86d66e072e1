"""rasa-sdk's plugin package: the action server imports `rasa_sdk_plugins` (this name is
fixed by rasa_sdk/plugin.py; the project root is on its PYTHONPATH) and calls init_hooks."""

import pluggy


def init_hooks(manager: pluggy.PluginManager) -> None:
    try:
        from precheck import action_guard
    except ImportError as missing:
        # rasa-sdk takes a ModuleNotFoundError from here for "no plugins" and would serve
        # every caller without the token check: stop the action server instead.
        raise RuntimeError(f"the action server's guard cannot be loaded ({missing}); "
                           "not starting without it") from missing
    manager.register(action_guard)
