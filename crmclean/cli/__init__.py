"""The command-line shell: parses options, calls the library, maps errors to exit codes."""

from crmclean.cli.app import app, main

__all__ = ["app", "main"]
