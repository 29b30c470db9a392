"""A QR code drawn from its module matrix, for the receipt's PaymentID when there is no paper."""

from __future__ import annotations

from ui.qt import QColor, QPainter, QRectF, QSize, QSizePolicy, Qt, QWidget

__all__ = ["QrView", "qr_matrix"]

_QUIET = 4  # modules of white margin the QR specification asks for


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR symbol's dark/light modules (no quiet zone), error correction level M."""
    import qrcode  # imported when first needed: it pulls in PIL, which start-up does not need
    import qrcode.constants

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


class QrView(QWidget):
    """Paints ``data`` as a QR code: black modules on white, whole pixels per module."""

    def __init__(self, size: int = 320, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(QSize(size, size))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._data = ""
        self._matrix: list[list[bool]] = []

    def data(self) -> str:
        return self._data

    def set_data(self, data: str) -> None:
        if data != self._data:
            self._data = data
            self._matrix = qr_matrix(data) if data else []
            self.update()

    def paintEvent(self, event: object) -> None:  # noqa: ARG002 - Qt signature
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if self._matrix:
            count = len(self._matrix) + 2 * _QUIET
            module = max(1, self.width() // count)
            offset = (self.width() - module * (count - 2 * _QUIET)) / 2
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#000000"))
            for y, row in enumerate(self._matrix):
                for x, dark in enumerate(row):
                    if dark:
                        painter.drawRect(
                            QRectF(offset + x * module, offset + y * module, module, module)
                        )
        painter.end()
