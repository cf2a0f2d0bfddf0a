"""Subcommands of the ``commdx`` command, one module each (see commdx.cli)."""
