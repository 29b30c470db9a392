"""Errors raised by device drivers.

::

    DeviceError
    ├── LinkError             the wire: port missing, unplugged, I/O error, timeout
    ├── LocalProtocolError    we misused a protocol object (a bug of ours)
    └── RemoteProtocolError   the device sent bytes that break the protocol

Business outcomes (a bill rejected, a card declined) are events, never exceptions.
A ``DeviceError`` may carry ``frames``: the last raw frames seen on that device, for the log.
"""

from __future__ import annotations

__all__ = ["DeviceError", "LinkError", "LocalProtocolError", "RemoteProtocolError"]


class DeviceError(Exception):
    def __init__(self, message: str, *, frames: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.frames = frames


class LinkError(DeviceError):
    pass


class LocalProtocolError(DeviceError):
    pass


class RemoteProtocolError(DeviceError):
    pass
