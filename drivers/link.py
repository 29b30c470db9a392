"""Byte links between a driver and a device: the only place that touches a port.

A ``Link`` has four methods. ``SerialLink`` wraps pyserial (exclusive open, exceptions mapped to
``LinkError`` once); ``PtyLink`` is the device side of a pseudo-terminal used by emulators;
``PairedLink`` joins two ends in memory for fast tests; ``FaultyLink`` injects faults.

Reads never block longer than the timeout given; an empty result means "nothing arrived".
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Protocol

from drivers.errors import LinkError

__all__ = ["Link", "SerialLink", "PtyLink", "PairedLink", "FaultyLink", "open_pty"]


class Link(Protocol):
    def write(self, data: bytes) -> None: ...

    def read_some(self, max_bytes: int, timeout: float) -> bytes:
        """Return 1..max_bytes bytes as soon as any arrive, or b"" after ``timeout`` seconds."""
        ...

    def reset_input(self) -> None: ...

    def close(self) -> None: ...


@contextlib.contextmanager
def _mapped(port: str) -> Iterator[None]:
    import serial

    try:
        yield
    except serial.SerialException as exc:
        raise LinkError(f"{port}: {exc}") from exc
    except OSError as exc:
        raise LinkError(f"{port}: {exc.strerror or exc}") from exc


class SerialLink:
    """A real serial port (or pty slave) through pyserial, opened exclusively."""

    def __init__(
        self,
        port: str,
        baudrate: int = 9600,
        *,
        parity: str = "N",
        stopbits: float = 1,
        bytesize: int = 8,
    ) -> None:
        import serial

        self.port = port
        with _mapped(port):
            self._serial = serial.Serial(
                port,
                baudrate,
                bytesize=bytesize,
                parity=parity,
                stopbits=stopbits,
                timeout=0,
                exclusive=True,
            )

    def write(self, data: bytes) -> None:
        with _mapped(self.port):
            self._serial.write(data)
            self._serial.flush()

    def read_some(self, max_bytes: int, timeout: float) -> bytes:
        with _mapped(self.port):
            fd = self._serial.fileno()
            ready, _, _ = select.select([fd], [], [], max(timeout, 0.0))
            if not ready:
                return b""
            try:
                data = os.read(fd, max_bytes)
            except OSError as exc:
                if exc.errno == errno.EIO:
                    raise LinkError(f"{self.port}: device disconnected") from exc
                raise
            if not data:
                raise LinkError(f"{self.port}: device disconnected")
            return data

    def reset_input(self) -> None:
        with _mapped(self.port):
            self._serial.reset_input_buffer()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._serial.close()


def open_pty(link_path: str | None = None) -> tuple[int, str]:
    """Open a raw pseudo-terminal pair. Returns (master fd, slave path).

    The slave is put in raw mode so that nothing echoes before the driver opens it. If
    ``link_path`` is given, a symlink to the slave is made there (replacing a stale one).
    """
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    path = os.ttyname(slave)
    # Keep the slave open in this process: closing the last slave fd makes master reads EIO
    # before any driver has opened the port. The fd is closed with the PtyLink.
    if link_path:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(link_path)
        os.symlink(path, link_path)
    _SLAVES[master] = slave
    return master, path


_SLAVES: dict[int, int] = {}


class PtyLink:
    """The device side of a pseudo-terminal: emulators read and write the master fd."""

    def __init__(self, link_path: str | None = None) -> None:
        self._master, self.port = open_pty(link_path)
        self._link_path = link_path
        self._closed = False

    def write(self, data: bytes) -> None:
        try:
            os.write(self._master, data)
        except OSError as exc:
            raise LinkError(f"{self.port}: {exc.strerror}") from exc

    def read_some(self, max_bytes: int, timeout: float) -> bytes:
        if self._closed:
            raise LinkError(f"{self.port}: closed")
        ready, _, _ = select.select([self._master], [], [], max(timeout, 0.0))
        if not ready:
            return b""
        try:
            return os.read(self._master, max_bytes)
        except OSError as exc:
            if exc.errno == errno.EIO:  # no slave open at the moment: nothing to read
                time.sleep(min(timeout, 0.01))
                return b""
            raise LinkError(f"{self.port}: {exc.strerror}") from exc

    def reset_input(self) -> None:
        while self.read_some(4096, 0):
            pass

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        slave = _SLAVES.pop(self._master, None)
        for fd in (self._master, slave):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        if self._link_path:
            with contextlib.suppress(OSError):
                os.unlink(self._link_path)


class _Pipe:
    def __init__(self) -> None:
        self.buffer: deque[int] = deque()
        self.cond = threading.Condition()


class PairedLink:
    """One end of an in-memory byte pipe; ``PairedLink.pair()`` returns both ends."""

    def __init__(self, inbound: _Pipe, outbound: _Pipe) -> None:
        self._in = inbound
        self._out = outbound
        self.closed = False

    @classmethod
    def pair(cls) -> tuple[PairedLink, PairedLink]:
        a, b = _Pipe(), _Pipe()
        return cls(a, b), cls(b, a)

    def write(self, data: bytes) -> None:
        if self.closed:
            raise LinkError("paired link closed")
        with self._out.cond:
            self._out.buffer.extend(data)
            self._out.cond.notify_all()

    def read_some(self, max_bytes: int, timeout: float) -> bytes:
        if self.closed:
            raise LinkError("paired link closed")
        deadline = time.monotonic() + max(timeout, 0.0)
        with self._in.cond:
            while not self._in.buffer:
                left = deadline - time.monotonic()
                if left <= 0:
                    return b""
                self._in.cond.wait(left)
            n = min(max_bytes, len(self._in.buffer))
            return bytes(self._in.buffer.popleft() for _ in range(n))

    def reset_input(self) -> None:
        with self._in.cond:
            self._in.buffer.clear()

    def close(self) -> None:
        self.closed = True


class FaultyLink:
    """Wraps a link and lets a test corrupt, drop or split what passes through it.

    ``on_write``/``on_read`` are functions bytes -> bytes applied to each chunk.
    """

    def __init__(
        self,
        inner: Link,
        *,
        on_write: Callable[[bytes], bytes] | None = None,
        on_read: Callable[[bytes], bytes] | None = None,
    ) -> None:
        self.inner = inner
        self.on_write = on_write
        self.on_read = on_read

    def write(self, data: bytes) -> None:
        self.inner.write(self.on_write(data) if self.on_write else data)

    def read_some(self, max_bytes: int, timeout: float) -> bytes:
        data = self.inner.read_some(max_bytes, timeout)
        return self.on_read(data) if (self.on_read and data) else data

    def reset_input(self) -> None:
        self.inner.reset_input()

    def close(self) -> None:
        self.inner.close()
