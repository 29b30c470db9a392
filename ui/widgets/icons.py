"""Simple line icons drawn with QPainter on a 100x100 grid, in one colour.

Drawn rather than shipped as images so they scale to any size, follow the theme's colour (the
widget palette's foreground, set by the style sheet) and cost nothing at start-up. Unknown names
draw the generic document icon, so a new service never shows an empty tile.
"""

from __future__ import annotations

from collections.abc import Callable

from ui.qt import (
    QColor,
    QPainter,
    QPainterPath,
    QPen,
    QPointF,
    QPolygonF,
    QRectF,
    QSize,
    QSizePolicy,
    Qt,
    QWidget,
)

__all__ = ["ICONS", "IconView", "paint_icon"]

_Painter = Callable[[QPainter], None]


def _pts(*xy: float) -> QPolygonF:
    return QPolygonF([QPointF(xy[i], xy[i + 1]) for i in range(0, len(xy), 2)])


def _globe(p: QPainter) -> None:
    p.drawEllipse(QRectF(12, 12, 76, 76))
    p.drawEllipse(QRectF(32, 12, 36, 76))
    p.drawLine(QPointF(12, 50), QPointF(88, 50))
    p.drawLine(QPointF(50, 12), QPointF(50, 88))
    p.drawArc(QRectF(18, 2, 64, 36), 200 * 16, 140 * 16)
    p.drawArc(QRectF(18, 62, 64, 36), 20 * 16, 140 * 16)


def _accessibility(p: QPainter) -> None:
    p.drawEllipse(QRectF(6, 6, 88, 88))
    p.save()
    p.setBrush(p.pen().color())
    p.drawEllipse(QRectF(43, 18, 14, 14))
    p.restore()
    p.drawLine(QPointF(26, 40), QPointF(74, 40))
    p.drawLine(QPointF(50, 40), QPointF(50, 60))
    p.drawPolyline(_pts(36, 82, 50, 60, 64, 82))


def _back(p: QPainter) -> None:
    p.drawPolyline(_pts(46, 20, 16, 50, 46, 80))
    p.drawLine(QPointF(18, 50), QPointF(86, 50))


def _forward(p: QPainter) -> None:
    p.drawPolyline(_pts(54, 20, 84, 50, 54, 80))
    p.drawLine(QPointF(14, 50), QPointF(82, 50))


def _close(p: QPainter) -> None:
    p.drawLine(QPointF(22, 22), QPointF(78, 78))
    p.drawLine(QPointF(78, 22), QPointF(22, 78))


def _search(p: QPainter) -> None:
    p.drawEllipse(QRectF(14, 14, 52, 52))
    p.drawLine(QPointF(60, 60), QPointF(86, 86))


def _card(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(8, 22, 84, 56), 8, 8)
    p.drawLine(QPointF(8, 38), QPointF(92, 38))
    p.drawLine(QPointF(20, 62), QPointF(44, 62))


def _cash(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(6, 26, 88, 48), 6, 6)
    p.drawEllipse(QRectF(38, 38, 24, 24))
    p.drawLine(QPointF(18, 38), QPointF(18, 62))
    p.drawLine(QPointF(82, 38), QPointF(82, 62))


def _coin(p: QPainter) -> None:
    p.drawEllipse(QRectF(14, 14, 72, 72))
    p.drawEllipse(QRectF(28, 28, 44, 44))


def _check(p: QPainter) -> None:
    p.drawPolyline(_pts(18, 52, 40, 74, 84, 28))


def _check_circle(p: QPainter) -> None:
    p.drawEllipse(QRectF(6, 6, 88, 88))
    p.drawPolyline(_pts(28, 52, 44, 68, 74, 36))


def _warning(p: QPainter) -> None:
    p.drawPolygon(_pts(50, 8, 94, 88, 6, 88))
    p.drawLine(QPointF(50, 36), QPointF(50, 62))
    p.drawPoint(QPointF(50, 76))


def _error(p: QPainter) -> None:
    p.drawEllipse(QRectF(6, 6, 88, 88))
    p.drawLine(QPointF(34, 34), QPointF(66, 66))
    p.drawLine(QPointF(66, 34), QPointF(34, 66))


def _info(p: QPainter) -> None:
    p.drawEllipse(QRectF(6, 6, 88, 88))
    p.drawLine(QPointF(50, 44), QPointF(50, 74))
    p.drawPoint(QPointF(50, 28))


def _clock(p: QPainter) -> None:
    p.drawEllipse(QRectF(8, 8, 84, 84))
    p.drawPolyline(_pts(50, 24, 50, 50, 68, 62))


def _hourglass(p: QPainter) -> None:
    p.drawLine(QPointF(22, 10), QPointF(78, 10))
    p.drawLine(QPointF(22, 90), QPointF(78, 90))
    p.drawPolyline(_pts(28, 10, 28, 26, 50, 50, 72, 26, 72, 10))
    p.drawPolyline(_pts(28, 90, 28, 74, 50, 50, 72, 74, 72, 90))


def _printer(p: QPainter) -> None:
    p.drawRect(QRectF(28, 8, 44, 26))
    p.drawRoundedRect(QRectF(8, 34, 84, 38), 6, 6)
    p.drawRect(QRectF(28, 58, 44, 34))
    p.drawLine(QPointF(36, 70), QPointF(64, 70))
    p.drawLine(QPointF(36, 80), QPointF(58, 80))


def _qr(p: QPainter) -> None:
    for x, y in ((10, 10), (60, 10), (10, 60)):
        p.drawRect(QRectF(x, y, 30, 30))
    p.save()
    p.setBrush(p.pen().color())
    for x, y in ((20, 20), (70, 20), (20, 70), (60, 60), (76, 76), (60, 80), (80, 58)):
        p.drawRect(QRectF(x, y, 8, 8))
    p.restore()


def _document(p: QPainter) -> None:
    p.drawPolygon(_pts(20, 6, 62, 6, 80, 24, 80, 94, 20, 94))
    p.drawPolyline(_pts(62, 6, 62, 24, 80, 24))
    for y in (44, 58, 72):
        p.drawLine(QPointF(32, y), QPointF(68, y))


def _receipt(p: QPainter) -> None:
    p.drawPolyline(_pts(22, 94, 22, 6, 78, 6, 78, 94))
    p.drawPolyline(_pts(22, 94, 31, 86, 40, 94, 50, 86, 60, 94, 69, 86, 78, 94))
    for y in (26, 42, 58):
        p.drawLine(QPointF(34, y), QPointF(66, y))


def _car(p: QPainter) -> None:
    path = QPainterPath()
    path.moveTo(8, 66)
    path.lineTo(8, 50)
    path.lineTo(22, 46)
    path.lineTo(32, 28)
    path.lineTo(68, 28)
    path.lineTo(80, 46)
    path.lineTo(92, 50)
    path.lineTo(92, 66)
    path.closeSubpath()
    p.drawPath(path)
    p.drawEllipse(QRectF(18, 58, 18, 18))
    p.drawEllipse(QRectF(64, 58, 18, 18))
    p.drawLine(QPointF(22, 46), QPointF(80, 46))


def _house(p: QPainter) -> None:
    p.drawPolyline(_pts(6, 50, 50, 10, 94, 50))
    p.drawPolyline(_pts(18, 40, 18, 90, 82, 90, 82, 40))
    p.drawRect(QRectF(40, 60, 20, 30))


def _tree(p: QPainter) -> None:
    p.drawPolygon(_pts(50, 6, 80, 44, 64, 44, 88, 74, 12, 74, 36, 44, 20, 44))
    p.drawLine(QPointF(50, 74), QPointF(50, 94))


def _child(p: QPainter) -> None:
    p.drawEllipse(QRectF(36, 8, 28, 28))
    p.drawLine(QPointF(50, 36), QPointF(50, 66))
    p.drawPolyline(_pts(24, 46, 50, 52, 76, 46))
    p.drawPolyline(_pts(34, 92, 50, 66, 66, 92))


def _id_card(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(6, 20, 88, 60), 8, 8)
    p.drawEllipse(QRectF(16, 34, 20, 20))
    p.drawArc(QRectF(12, 56, 28, 24), 0, 180 * 16)
    for y, x2 in ((38, 82), (52, 82), (66, 70)):
        p.drawLine(QPointF(48, y), QPointF(x2, y))


def _scales(p: QPainter) -> None:
    p.drawLine(QPointF(50, 8), QPointF(50, 88))
    p.drawLine(QPointF(30, 88), QPointF(70, 88))
    p.drawLine(QPointF(16, 22), QPointF(84, 22))
    p.drawPolyline(_pts(6, 56, 16, 22, 26, 56))
    p.drawPolyline(_pts(74, 56, 84, 22, 94, 56))
    p.drawArc(QRectF(6, 40, 20, 28), 180 * 16, 180 * 16)
    p.drawArc(QRectF(74, 40, 20, 28), 180 * 16, 180 * 16)


def _building(p: QPainter) -> None:
    p.drawPolygon(_pts(8, 34, 50, 8, 92, 34))
    for x in (20, 40, 60, 80):
        p.drawLine(QPointF(x, 40), QPointF(x, 78))
    p.drawLine(QPointF(8, 88), QPointF(92, 88))


def _backspace(p: QPainter) -> None:
    p.drawPolygon(_pts(30, 20, 92, 20, 92, 80, 30, 80, 6, 50))
    p.drawLine(QPointF(46, 36), QPointF(74, 64))
    p.drawLine(QPointF(74, 36), QPointF(46, 64))


def _barcode(p: QPainter) -> None:
    p.drawPolyline(_pts(6, 28, 6, 8, 26, 8))
    p.drawPolyline(_pts(74, 8, 94, 8, 94, 28))
    p.drawPolyline(_pts(94, 72, 94, 92, 74, 92))
    p.drawPolyline(_pts(26, 92, 6, 92, 6, 72))
    for x in (22, 34, 42, 56, 64, 78):
        p.drawLine(QPointF(x, 26), QPointF(x, 74))


def _network_off(p: QPainter) -> None:
    p.drawArc(QRectF(10, 24, 80, 80), 45 * 16, 90 * 16)
    p.drawArc(QRectF(26, 40, 48, 48), 45 * 16, 90 * 16)
    p.drawPoint(QPointF(50, 76))
    p.drawLine(QPointF(14, 12), QPointF(86, 88))


def _plug(p: QPainter) -> None:
    p.drawLine(QPointF(38, 8), QPointF(38, 28))
    p.drawLine(QPointF(62, 8), QPointF(62, 28))
    p.drawRoundedRect(QRectF(24, 28, 52, 30), 8, 8)
    p.drawPolyline(_pts(50, 58, 50, 76, 30, 92))


def _person(p: QPainter) -> None:
    p.drawEllipse(QRectF(32, 8, 36, 36))
    p.drawArc(QRectF(14, 52, 72, 76), 0, 180 * 16)


def _key(p: QPainter) -> None:
    p.drawEllipse(QRectF(8, 30, 40, 40))
    p.drawPolyline(_pts(48, 50, 92, 50, 92, 64))
    p.drawLine(QPointF(76, 50), QPointF(76, 62))


def _keyboard(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(6, 24, 88, 56), 8, 8)
    for y in (38, 52):
        for x in range(18, 86, 14):
            p.drawPoint(QPointF(x, y))
    p.drawLine(QPointF(28, 66), QPointF(72, 66))


def _water(p: QPainter) -> None:
    path = QPainterPath()
    path.moveTo(50, 6)
    path.cubicTo(50, 6, 18, 46, 18, 62)
    path.cubicTo(18, 80, 32, 94, 50, 94)
    path.cubicTo(68, 94, 82, 80, 82, 62)
    path.cubicTo(82, 46, 50, 6, 50, 6)
    p.drawPath(path)
    p.drawArc(QRectF(30, 52, 28, 28), 180 * 16, 90 * 16)


def _contrast(p: QPainter) -> None:
    p.drawEllipse(QRectF(8, 8, 84, 84))
    path = QPainterPath()
    path.moveTo(50, 8)
    path.arcTo(QRectF(8, 8, 84, 84), 90, 180)
    path.closeSubpath()
    p.save()
    p.setBrush(p.pen().color())
    p.drawPath(path)
    p.restore()


def _text_size(p: QPainter) -> None:
    p.drawPolyline(_pts(4, 84, 30, 16, 56, 84))
    p.drawLine(QPointF(14, 60), QPointF(46, 60))
    p.drawPolyline(_pts(58, 84, 76, 40, 94, 84))
    p.drawLine(QPointF(65, 68), QPointF(87, 68))


def _jam(p: QPainter) -> None:
    _cash(p)
    p.drawLine(QPointF(12, 12), QPointF(88, 88))


ICONS: dict[str, _Painter] = {
    "accessibility": _accessibility,
    "back": _back,
    "backspace": _backspace,
    "barcode": _barcode,
    "building": _building,
    "car": _car,
    "card": _card,
    "cash": _cash,
    "check": _check,
    "check-circle": _check_circle,
    "child": _child,
    "clock": _clock,
    "close": _close,
    "coin": _coin,
    "contrast": _contrast,
    "document": _document,
    "error": _error,
    "forward": _forward,
    "globe": _globe,
    "hourglass": _hourglass,
    "house": _house,
    "forest": _tree,
    "id-card": _id_card,
    "info": _info,
    "jam": _jam,
    "key": _key,
    "keyboard": _keyboard,
    "network-off": _network_off,
    "person": _person,
    "plug": _plug,
    "printer": _printer,
    "qr": _qr,
    "receipt": _receipt,
    "scales": _scales,
    "search": _search,
    "text-size": _text_size,
    "tree": _tree,
    "warning": _warning,
    "water": _water,
}


def paint_icon(painter: QPainter, name: str, rect: QRectF, color: QColor) -> None:
    """Draw icon ``name`` centred in ``rect`` (kept square), in ``color``."""
    side = min(rect.width(), rect.height())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(rect.center().x() - side / 2, rect.center().y() - side / 2)
    painter.scale(side / 100.0, side / 100.0)
    pen = QPen(color, 7.0)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    ICONS.get(name, _document)(painter)
    painter.restore()


class IconView(QWidget):
    """A square icon in the palette's foreground colour (set by the style sheet)."""

    def __init__(self, name: str, size: int = 48, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self.setFixedSize(QSize(size, size))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)

    def name(self) -> str:
        return self._name

    def set_name(self, name: str) -> None:
        if name != self._name:
            self._name = name
            self.update()

    def paintEvent(self, event: object) -> None:  # noqa: ARG002 - Qt signature
        painter = QPainter(self)
        paint_icon(painter, self._name, QRectF(self.rect()), self.palette().windowText().color())
        painter.end()
