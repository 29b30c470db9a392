"""Every screen in every language: rendered from the real machine's view, checked, saved as PNG.

Checks: the expected screen is shown, no label's text is clipped (its size hint or
height-for-width does not fit its geometry, or it sticks out of the window), every visible touch
target is at least 72 px high, and body text is at least 22 pt. The PNGs go to ``screenshots/``
at the repository root (gitignored) or to ``$KIOSK_SCREENSHOTS``.
"""

from __future__ import annotations

import pytest

from tests.ui.journey import synced
from tests.ui.layout_checks import clipped_labels, small_targets
from tests.ui.scenarios import SCENARIOS
from ui.qt import QLabel

LANGS = ("ro", "ru", "en")

EXPECTED = {
    "attract": "attract",
    "attract_high_contrast": "attract",
    "services": "services",
    "services_search_large_text": "services",
    "order_key": "order_key",
    "order_key_digits_error": "order_key",
    "lookup": "lookup",
    "order_choice": "order_choice",
    "invoice": "invoice",
    "invoice_not_payable": "invoice",
    "properties": "properties",
    "amount": "amount",
    "method": "method",
    "voucher_code": "voucher_code",
    "cash": "cash",
    "card": "card",
    "finishing": "finishing",
    "result_paid": "result",
    "result_voucher_no_paper": "result",
    "error_not_found": "error",
    "error_unavailable": "error",
    "timeout_prompt": "cash",
    "out_of_service": "out_of_service",
}


def _render(make_kiosk, qtbot, name: str, lang: str, size: tuple[int, int]):
    driver = SCENARIOS[name](lang)
    kiosk, driver = make_kiosk(driver, size=size)
    synced(qtbot, kiosk, driver)
    qtbot.wait(1)  # let deferred deletions run
    kiosk.window.grab()  # a paint pass settles pending polish and layout before measuring
    return kiosk, driver


def _check(kiosk) -> None:
    window = kiosk.window
    problems = clipped_labels(window)
    assert not problems, "\n".join(problems)
    assert not small_targets(window), small_targets(window)
    for label in window.findChildren(QLabel):
        if label.isVisibleTo(window) and label.text():
            assert label.font().pointSize() >= 22, (label.objectName(), label.text()[:30])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_screen_portrait(make_kiosk, qtbot, screenshot_dir, name, lang):
    kiosk, driver = _render(make_kiosk, qtbot, name, lang, (1080, 1920))
    assert kiosk.window.current_name == EXPECTED[name]
    assert driver.view.language == ("ro" if name.startswith(("attract", "out_of")) else lang)
    _check(kiosk)
    assert kiosk.window.grab().save(str(screenshot_dir / f"{name}-{lang}.png"))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_screen_landscape_1280x1024(make_kiosk, qtbot, screenshot_dir, name):
    # Russian has the longest texts; if they fit here, the others do.
    kiosk, _ = _render(make_kiosk, qtbot, name, "ru", (1280, 1024))
    _check(kiosk)
    assert kiosk.window.grab().save(str(screenshot_dir / f"landscape-{name}-ru.png"))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_screen_large_text_high_contrast(make_kiosk, qtbot, screenshot_dir, name):
    # The payer may turn both on at the start; every later screen must still fit (Russian).
    from kiosk.session import events as ev

    driver = SCENARIOS[name]("ru")
    for feature in ("large_text", "high_contrast"):
        if not getattr(driver.view, feature):
            driver.feed(ev.ToggleAccessibility(feature=feature))
    kiosk, driver = make_kiosk(driver)
    synced(qtbot, kiosk, driver)
    qtbot.wait(1)
    kiosk.window.grab()
    assert kiosk.window.theme.name == "high-contrast-large-text"
    _check(kiosk)
    assert kiosk.window.grab().save(str(screenshot_dir / f"a11y-{name}-ru.png"))
