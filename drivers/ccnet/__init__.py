"""CashCode CCNET bill validator: codec (frames, messages), sans-I/O exchange, driver, emulator.

``BillValidator`` (driver) and ``BillValidatorEmulator`` share ``frames`` and ``messages``; the
emulator never imports the driver.
"""

from drivers.ccnet.driver import BillValidator
from drivers.ccnet.emulator import BillValidatorEmulator, EmulatorTiming

__all__ = ["BillValidator", "BillValidatorEmulator", "EmulatorTiming"]
