"""A busy indicator for every wait: a rotating arc that only animates while it is visible."""

from __future__ import annotations

from ui.qt import QColor, QPainter, QPen, QRectF, QSize, QSizePolicy, Qt, QTimer, QWidget

__all__ = ["Spinner"]


class Spinner(QWidget):
    """Indeterminate progress: a three-quarter arc turning at ~30 frames per second.

    The timer runs only between show and hide events, so hidden screens cost no CPU.
    """

    def __init__(self, size: int = 120, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(QSize(size, size))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self._angle = 0
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._advance)

    def is_spinning(self) -> bool:
        return self._timer.isActive()

    def showEvent(self, event: object) -> None:  # noqa: ARG002 - Qt signature
        self._timer.start()

    def hideEvent(self, event: object) -> None:  # noqa: ARG002 - Qt signature
        self._timer.stop()

    def _advance(self) -> None:
        self._angle = (self._angle + 12) % 360
        self.update()

    def paintEvent(self, event: object) -> None:  # noqa: ARG002 - Qt signature
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        width = max(6.0, self.width() / 10)
        rect = QRectF(self.rect()).adjusted(width, width, -width, -width)
        color = self.palette().windowText().color()
        arc = QPen(color, width)
        arc.setCapStyle(Qt.PenCapStyle.RoundCap)
        track = QColor(color)
        track.setAlpha(50)
        painter.setPen(QPen(track, width))
        painter.drawEllipse(rect)
        painter.setPen(arc)
        painter.drawArc(rect, -self._angle * 16, 270 * 16 // 3)
        painter.end()
