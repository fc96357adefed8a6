#!/usr/bin/env python
"""Django's command-line utility for ssrtracker."""

import os
import sys

#: Commands that need neither a database nor a secret: without DJANGO_SETTINGS_MODULE they run
#: on ssrtracker.settings_standalone (see there).
STANDALONE_COMMANDS = {"parse_document"}


def main() -> None:
    standalone = len(sys.argv) > 1 and sys.argv[1] in STANDALONE_COMMANDS
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE",
        "ssrtracker.settings_standalone" if standalone else "ssrtracker.settings",
    )
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A configuration mistake deserves one readable line, not a traceback.
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
