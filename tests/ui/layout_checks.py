"""Layout checks shared by UI tests: text that does not fit, targets too small to touch."""

from __future__ import annotations

from ui.qt import QAbstractButton, QLabel, QScrollArea, QWidget


def _inside_scroll_area(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def clipped_labels(root: QWidget) -> list[str]:
    """Visible labels whose text needs more room than they were given, with the reason."""
    problems: list[str] = []
    window_rect = root.rect()
    for label in root.findChildren(QLabel):
        if not label.isVisibleTo(root) or not label.text():
            continue
        width, height = label.width(), label.height()
        name = f"{label.objectName() or type(label.parentWidget()).__name__}: {label.text()[:40]!r}"
        if label.wordWrap():
            need = label.heightForWidth(width)
            if need > height + 1:
                problems.append(f"{name} needs {need}px height, has {height}")
            if label.minimumSizeHint().width() > width + 1:
                problems.append(f"{name} has a word wider than {width}px")
        else:
            hint = label.sizeHint()
            if hint.width() > width + 1 or hint.height() > height + 1:
                problems.append(
                    f"{name} needs {hint.width()}x{hint.height()}, has {width}x{height}"
                )
        if not _inside_scroll_area(label):
            top_left = label.mapTo(root, label.rect().topLeft())
            bottom_right = label.mapTo(root, label.rect().bottomRight())
            if not (window_rect.contains(top_left) and window_rect.contains(bottom_right)):
                problems.append(f"{name} lies outside the window")
    return problems


def small_targets(root: QWidget, minimum: int = 72) -> list[str]:
    """Visible buttons lower than ``minimum`` px (touch targets)."""
    return [
        f"{b.objectName() or b.text()!r}: {b.height()}px"
        for b in root.findChildren(QAbstractButton)
        if b.isVisibleTo(root) and b.height() < minimum
    ]
