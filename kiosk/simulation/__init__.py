"""The embedded world of ``kiosk demo`` and ``kiosk simulate``: a loopback MPay sandbox, device
emulators on pseudo-terminals and a virtual printer (``world``), and a headless payer that
drives the real runtime through the same intents the screens send (``payer``).

Production code never imports this package: the demo only hands the runtime a configuration
whose ports and endpoint point at these emulators.
"""
