"""The design system's widgets through real Qt: keyboard, buttons, icons, spinner, QR."""

from __future__ import annotations

import pytest

from ui.qt import QImage, QPoint, Qt, QWidget
from ui.theme import STANDARD, theme_for
from ui.widgets.buttons import Button
from ui.widgets.icons import ICONS, IconView
from ui.widgets.keyboard import LAYOUTS, OnScreenKeyboard
from ui.widgets.progress import Spinner
from ui.widgets.qr import QrView, qr_matrix


@pytest.fixture
def host(qtbot, kiosk_fonts):  # noqa: ARG001 - the fonts must be loaded
    w = QWidget()
    w.setStyleSheet(STANDARD.stylesheet())
    w.resize(1080, 900)
    qtbot.addWidget(w)
    return w


def test_keyboard_emits_characters_including_non_ascii(qtbot, host):
    kb = OnScreenKeyboard(host)
    kb.set_layout("search-latin")
    host.show()
    typed: list[str] = []
    kb.typed.connect(typed.append)
    for ch in ("Ș", "Ț", "Ă", "Q"):
        qtbot.mouseClick(kb.key(ch), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kb.key("@абв"), Qt.MouseButton.LeftButton)
    assert kb.layout_name() == "search-cyrillic"
    qtbot.mouseClick(kb.key("Ж"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kb.key("@space"), Qt.MouseButton.LeftButton)
    assert typed == ["Ș", "Ț", "Ă", "Q", "Ж", " "]


def test_keyboard_actions(qtbot, host):
    kb = OnScreenKeyboard(host)
    host.show()
    with qtbot.waitSignal(kb.backspace, timeout=1000):
        qtbot.mouseClick(kb.key("@back"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(kb.cleared, timeout=1000):
        qtbot.mouseClick(kb.key("@clear"), Qt.MouseButton.LeftButton)
    with pytest.raises(ValueError):
        kb.set_layout("klingon")


def test_amount_keyboard_shows_local_decimal_mark_but_types_a_dot(qtbot, host):
    kb = OnScreenKeyboard(host)
    kb.set_layout("amount")
    kb.set_texts({}, decimal=",")
    host.show()
    typed: list[str] = []
    kb.typed.connect(typed.append)
    assert kb.key(".").caption() == ","
    qtbot.mouseClick(kb.key("."), Qt.MouseButton.LeftButton)
    assert typed == ["."]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_layout_has_touchable_keys(qtbot, host, name):
    kb = OnScreenKeyboard(host)
    kb.set_layout(name)
    kb.setFixedWidth(1000)
    host.show()
    qtbot.waitExposed(host)
    for button in kb.findChildren(Button):
        if button.isVisibleTo(host):
            assert button.height() >= 72, button.objectName()


def _color_at(widget: QWidget, point: QPoint) -> str:
    image: QImage = widget.grab().toImage()
    return image.pixelColor(point).name()


def test_button_roles_and_pressed_state_come_from_the_theme(qtbot, host):
    button = Button("Plătește", role="primary", parent=host)
    button.setGeometry(10, 10, 400, 100)
    host.show()
    qtbot.waitExposed(host)
    probe = QPoint(395, 50)
    assert _color_at(button, probe) == STANDARD.colors.primary
    button.setDown(True)
    assert _color_at(button, probe) == STANDARD.colors.primary_pressed
    clicks: list[bool] = []
    button.clicked.connect(lambda: clicks.append(True))
    button.setDown(False)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert clicks == [True]


def test_long_caption_wraps_and_button_grows(host):
    short = Button("OK", parent=host)
    long = Button("Продолжить оплату наличными без сдачи " * 3, parent=host)
    assert long.label.wordWrap()
    assert long.heightForWidth(500) > short.heightForWidth(500)


def test_every_icon_paints(host):
    for name in ICONS:
        view = IconView(name, 64, host)
        image = view.grab().toImage()
        assert image.width() == 64
    unknown = IconView("no-such-icon", 64, host)
    unknown.grab()  # falls back to the document icon, no exception


def test_spinner_runs_only_while_visible(qtbot, host):
    spinner = Spinner(80, host)
    assert not spinner.is_spinning()
    host.show()
    qtbot.waitUntil(spinner.is_spinning, timeout=1000)
    spinner.hide()
    assert not spinner.is_spinning()


def test_qr_matrix_and_painting(host):
    matrix = qr_matrix("PAY-2025-000123")
    assert len(matrix) >= 21 and all(len(r) == len(matrix) for r in matrix)
    view = QrView(300, host)
    view.set_data("PAY-2025-000123")
    image = view.grab().toImage()
    dark = sum(
        1
        for x in range(0, 300, 3)
        for y in range(0, 300, 3)
        if image.pixelColor(x, y).lightness() < 128
    )
    assert 300 < dark < 7000  # a real pattern, not blank and not solid
    assert image.pixelColor(2, 2).name() == "#ffffff"  # quiet zone


def test_theme_variants_are_distinct_and_keep_minimum_sizes():
    themes = [
        theme_for(high_contrast=h, large_text=lt) for h in (False, True) for lt in (False, True)
    ]
    assert len({th.name for th in themes}) == 4
    for th in themes:
        assert th.sizes.small_pt >= 22 and th.sizes.body_pt >= 22
        assert th.sizes.touch_min >= 72 and th.sizes.key_min >= 72
        assert "Button" in th.stylesheet()
    assert theme_for(large_text=True).sizes.body_pt > STANDARD.sizes.body_pt
