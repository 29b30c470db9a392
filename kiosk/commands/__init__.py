"""One module per ``kiosk`` subcommand; see ``kiosk.cli.COMMAND_MODULES``."""
