"""The kiosk window: header, the current screen, footer, and the timeout prompt over them.

Screens are built on first use (start-up builds only the attract screen, then the rest are
pre-built one per idle turn of the event loop), so the first paint is fast. The window knows
nothing of sessions: ``ui.presenter`` decides which screen to show and fills it.
"""

from __future__ import annotations

from collections.abc import Callable

from ui.qt import QLayout, QResizeEvent, QStackedWidget, Qt, QTimer, QVBoxLayout, QWidget
from ui.screens.base import Screen, make_label
from ui.theme import COMPACT_BELOW_HEIGHT, Theme, theme_for
from ui.widgets.buttons import set_text
from ui.widgets.chrome import Footer, Header
from ui.widgets.overlay import TimeoutPrompt

__all__ = ["KioskWindow"]


class KioskWindow(QWidget):
    """The payer's top-level window.

    Signals: none of its own; the presenter connects to the screens', footer's and prompt's.
    """

    def __init__(
        self,
        *,
        theme: Theme,
        factories: dict[str, Callable[[], Screen]],
        on_built: Callable[[str, QWidget], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("KioskRoot")
        self.setWindowTitle("MPay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._factories = factories
        self._on_built = on_built
        self.screens: dict[str, Screen] = {}
        self.theme = theme
        self._display = (False, False)
        self.setStyleSheet(theme.stylesheet())
        root = QVBoxLayout(self)
        # The kiosk window's size is the screen's, never its content's: without this the layout
        # would push minimum sizes to the platform window on every screen change.
        root.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.header = Header()
        root.addWidget(self.header)
        stripe = QWidget()
        stripe.setObjectName("Stripe")
        stripe.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        stripe.setFixedHeight(8)
        root.addWidget(stripe)
        self.banner = make_label("warning", name="banner")
        self.banner.setContentsMargins(40, 12, 40, 0)
        self.banner.hide()
        root.addWidget(self.banner)
        self.stack = QStackedWidget()
        root.addWidget(self.stack, 1)
        self._root = root
        self._footer: Footer | None = None
        self._prompt: TimeoutPrompt | None = None
        self.current_name = ""

    def set_theme(self, theme: Theme) -> None:
        if theme != self.theme:
            self.theme = theme
            self.setStyleSheet(theme.stylesheet())

    def set_display(self, *, high_contrast: bool, large_text: bool) -> None:
        """The payer's accessibility choice; the window's height picks compact sizes (before
        the window is shown, the screen's height stands in for it)."""
        self._display = (high_contrast, large_text)
        height = self.height()
        if not self.isVisible():
            screen = self.screen()
            height = screen.geometry().height() if screen is not None else height
        self.set_theme(
            theme_for(
                high_contrast=high_contrast,
                large_text=large_text,
                compact=height < COMPACT_BELOW_HEIGHT,
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.isVisible():
            high_contrast, large_text = self._display
            self.set_display(high_contrast=high_contrast, large_text=large_text)

    def page(self, name: str) -> Screen:
        """The screen ``name``, built now if it was not yet (it joins the stack when shown:
        content set before that is styled once, when the screen is first polished)."""
        screen = self.screens.get(name)
        if screen is None:
            screen = self._factories[name]()
            self.screens[name] = screen
            self._on_built(name, screen)
        return screen

    def show_screen(self, name: str) -> Screen:
        screen = self.page(name)
        if self.stack.indexOf(screen) < 0:
            self.stack.addWidget(screen)
        if self.stack.currentWidget() is not screen:
            self.stack.setCurrentWidget(screen)
        self.current_name = name
        return screen

    def prebuild(self) -> None:
        """Build the remaining screens, one per event-loop turn, to keep the UI responsive."""
        missing = [n for n in self._factories if n not in self.screens]
        if missing:
            self.page(missing[0])
            QTimer.singleShot(0, self, self.prebuild)

    def set_banner(self, text: str) -> None:
        """A standing notice under the header (e.g. "no paper receipts today"); "" hides it."""
        set_text(self.banner, text)
        self.banner.setVisible(bool(text))

    @property
    def footer(self) -> Footer:
        """Back and cancel, built on first use (reported to ``on_built`` as "footer")."""
        if self._footer is None:
            self._footer = Footer()
            self._root.addWidget(self._footer)
            self._on_built("footer", self._footer)
        return self._footer

    def set_footer(self, *, back: str | None, cancel: str | None) -> None:
        """Show back/cancel with these captions (``None`` hides one); builds nothing if both
        are hidden and the footer was never needed."""
        if back is None and cancel is None and self._footer is None:
            return
        self.footer.set_actions(back=back, cancel=cancel)

    @property
    def prompt(self) -> TimeoutPrompt:
        """The "need more time?" layer, built on first use (reported to ``on_built`` as
        "prompt" so its signals get wired)."""
        if self._prompt is None:
            self._prompt = TimeoutPrompt(self)
            self._on_built("prompt", self._prompt)
        return self._prompt

    def set_prompt(self, visible: bool) -> None:
        if not visible and self._prompt is None:
            return
        prompt = self.prompt
        if visible:
            prompt.setGeometry(self.rect())
            prompt.raise_()
        prompt.setVisible(visible)
