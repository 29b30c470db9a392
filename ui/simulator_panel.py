"""The demo's simulator panel: a second window with buttons that play the devices' part.

It only calls the callables the composition root hands in (``SimulatorControls``), which drive
the device emulators and the sandbox; it imports no driver. Its captions are for the person
running the demo (a technician or a reviewer), so they come from the same catalogue in the
payer's language of choice for the demo (``lang``), defaulting to English.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.i18n import format_money, t
from ui.qt import QGridLayout, QLabel, QLayout, QVBoxLayout, QWidget
from ui.widgets.buttons import Button

__all__ = ["SimulatorControls", "SimulatorPanel"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulatorControls:
    """What the demo can make the devices do. Every callable must return quickly (enqueue).

    Amounts are bani. Optional controls (``None``) are not shown.
    """

    insert_bill: Callable[[int], None]
    insert_coin: Callable[[int], None] | None = None
    jam_validator: Callable[[], None] | None = None
    clear_jam: Callable[[], None] | None = None
    paper_out: Callable[[], None] | None = None
    paper_refill: Callable[[], None] | None = None
    network_down: Callable[[], None] | None = None
    network_up: Callable[[], None] | None = None
    bills: tuple[int, ...] = (100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000)
    coins: tuple[int, ...] = (50, 100, 200, 500, 1000)


class SimulatorPanel(QWidget):
    """Buttons for the demo operator: insert bills and coins, cause faults, cut the network."""

    def __init__(
        self, controls: SimulatorControls, *, lang: str = "en", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("KioskRoot")
        self.setWindowTitle(t("ui.sim.title", lang))
        self.controls = controls
        self.buttons: dict[str, Button] = {}
        root = QVBoxLayout(self)
        root.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        root.setContentsMargins(20, 20, 20, 20)
        root.setSpacing(14)
        title = QLabel(t("ui.sim.title", lang))
        title.setProperty("role", "heading")
        title.setWordWrap(True)
        root.addWidget(title)
        root.addLayout(
            self._money_grid(
                t("ui.sim.bills", lang), "bill", controls.bills, controls.insert_bill, lang
            )
        )
        if controls.insert_coin is not None:
            root.addLayout(
                self._money_grid(
                    t("ui.sim.coins", lang), "coin", controls.coins, controls.insert_coin, lang
                )
            )
        faults = QGridLayout()
        faults.setSpacing(10)
        actions: list[tuple[str, Callable[[], None] | None]] = [
            ("jam", controls.jam_validator),
            ("clear_jam", controls.clear_jam),
            ("paper_out", controls.paper_out),
            ("paper_refill", controls.paper_refill),
            ("network_down", controls.network_down),
            ("network_up", controls.network_up),
        ]
        shown = [(name, fn) for name, fn in actions if fn is not None]
        for i, (name, fn) in enumerate(shown):
            button = Button(t(f"ui.sim.{name}", lang), role="secondary")
            button.setObjectName(f"sim:{name}")
            button.clicked.connect(fn)
            self.buttons[name] = button
            faults.addWidget(button, i // 2, i % 2)
        root.addLayout(faults)
        root.addStretch(1)

    def _money_grid(
        self,
        caption: str,
        kind: str,
        amounts: tuple[int, ...],
        action: Callable[[int], None],
        lang: str,
    ) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(10)
        label = QLabel(caption)
        label.setProperty("role", "muted")
        label.setWordWrap(True)
        grid.addWidget(label, 0, 0, 1, 3)
        for i, amount in enumerate(amounts):
            button = Button(format_money(amount, lang), role="key")
            button.setObjectName(f"sim:{kind}:{amount}")
            button.clicked.connect(lambda _=False, a=amount: action(a))
            self.buttons[f"{kind}:{amount}"] = button
            grid.addWidget(button, 1 + i // 3, i % 3)
        return grid
