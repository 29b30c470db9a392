"""ccTalk coin acceptor: codec (frames, messages), sans-I/O exchange with local-echo handling,
driver and emulator.

``CoinAcceptor`` (driver) and ``CoinAcceptorEmulator`` share ``frames`` and ``messages``; the
emulator never imports the driver.
"""

from drivers.cctalk.driver import CoinAcceptor
from drivers.cctalk.emulator import CoinAcceptorEmulator, CoinTiming

__all__ = ["CoinAcceptor", "CoinAcceptorEmulator", "CoinTiming"]
