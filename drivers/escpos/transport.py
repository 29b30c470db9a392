"""Thin links to network (raw TCP, port 9100) and USB printers, with the ``Link`` interface.

Serial printers use ``drivers.link.SerialLink`` directly. Errors map to ``LinkError`` here, once.
USB goes through python-escpos's ``Usb`` class, which needs pyusb (``python-escpos[usb]``); when
it is missing, opening a ``UsbLink`` raises a ``LinkError`` that says so.
"""

from __future__ import annotations

import contextlib
import select
import socket
import time
from typing import Any

from drivers.errors import LinkError

__all__ = ["TcpLink", "UsbLink"]


class TcpLink:
    """A raw TCP connection to a network printer (JetDirect-style port 9100)."""

    def __init__(self, host: str, port: int = 9100, *, connect_timeout: float = 5.0) -> None:
        self.port = f"{host}:{port}"
        try:
            self._sock = socket.create_connection((host, port), timeout=connect_timeout)
        except OSError as exc:
            raise LinkError(f"{self.port}: {exc.strerror or exc}") from exc
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes) -> None:
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise LinkError(f"{self.port}: {exc.strerror or exc}") from exc

    def read_some(self, max_bytes: int, timeout: float) -> bytes:
        try:
            ready, _, _ = select.select([self._sock], [], [], max(timeout, 0.0))
            if not ready:
                return b""
            data = self._sock.recv(max_bytes)
        except OSError as exc:
            raise LinkError(f"{self.port}: {exc.strerror or exc}") from exc
        if not data:
            raise LinkError(f"{self.port}: the printer closed the connection")
        return data

    def reset_input(self) -> None:
        while self.read_some(4096, 0):
            pass

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.close()


class UsbLink:
    """A USB printer through python-escpos ``Usb`` (bulk endpoints)."""

    def __init__(
        self,
        vendor_id: int,
        product_id: int,
        *,
        in_ep: int = 0x82,
        out_ep: int = 0x01,
        timeout_ms: int = 2000,
    ) -> None:
        self.port = f"usb:{vendor_id:04x}:{product_id:04x}"
        try:
            import usb.core  # noqa: F401  (pyusb: only present with python-escpos[usb])
        except ImportError as exc:
            raise LinkError(
                f"{self.port}: USB printers need pyusb and libusb "
                "(pip install 'python-escpos[usb]'); or connect the printer as serial/network"
            ) from exc
        from escpos.printer import Usb

        self._in_ep = in_ep
        self._printer: Any = Usb(
            idVendor=vendor_id, idProduct=product_id, timeout=timeout_ms, in_ep=in_ep, out_ep=out_ep
        )
        try:
            self._printer.open(raise_not_found=True)
        except Exception as exc:  # escpos raises its own DeviceNotFoundError / USBError
            raise LinkError(f"{self.port}: {exc}") from exc

    def write(self, data: bytes) -> None:
        try:
            self._printer._raw(data)
        except Exception as exc:
            raise LinkError(f"{self.port}: {exc}") from exc

    def read_some(self, max_bytes: int, timeout: float) -> bytes:
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            try:
                data = bytes(
                    self._printer.device.read(self._in_ep, max_bytes, max(1, int(timeout * 1000)))
                )
            except Exception as exc:
                if "timeout" in str(exc).lower():
                    data = b""
                else:
                    raise LinkError(f"{self.port}: {exc}") from exc
            if data or time.monotonic() >= deadline:
                return data

    def reset_input(self) -> None:
        while self.read_some(64, 0.001):
            pass

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._printer.close()
