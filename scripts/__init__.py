"""The project's command-line tools, run as modules from the project folder
(`python -m scripts.stack serve`); the Makefile names each one."""
