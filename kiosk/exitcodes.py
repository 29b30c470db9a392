"""The ``kiosk`` command's exit codes: a public contract operators script against."""

OK = 0
FAILURE = 1
USAGE = 2
NOT_PAYABLE = 3
REMOTE = 4
DEVICE = 5
