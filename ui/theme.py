"""The kiosk's design system: colours, type sizes, touch sizes, and the style sheet built from them.

Every colour and size the payer sees is defined here and reaches widgets through ONE application
style sheet; widgets only carry a ``role`` property (``primary``, ``title``, ``amount``...), so a
theme switch (high contrast, large text) is one ``setStyleSheet`` call. Painted widgets (icons,
spinner, QR) take their colours from their palette's foreground role, which the style sheet sets.

Sizes are for a 1080x1920 portrait touch screen at 96 dpi and stay usable at 1280x1024: body
text is never under 22 pt, and every touch target is at least 72 px high (88 px by default).

The types are immutable ``NamedTuple``s rather than dataclasses: importing ``dataclasses`` and
building these classes cost ~20 ms of the UI's start-up (benchmarks/bench_ui_startup.py).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "Colors",
    "Sizes",
    "Theme",
    "theme_for",
    "STANDARD",
    "HIGH_CONTRAST",
    "COMPACT_BELOW_HEIGHT",
]


class Colors(NamedTuple):
    background: str
    surface: str
    surface_border: str
    text: str
    muted: str
    header: str
    header_text: str
    primary: str
    primary_pressed: str
    primary_text: str
    secondary: str
    secondary_pressed: str
    secondary_text: str
    secondary_border: str
    danger: str
    danger_pressed: str
    danger_text: str
    success: str
    warning: str
    error: str
    accent: str
    disabled: str
    disabled_text: str
    overlay: str
    field: str
    field_border: str
    field_invalid: str
    icon_on_surface: str


class Sizes(NamedTuple):
    small_pt: int = 22
    body_pt: int = 24
    button_pt: int = 26
    heading_pt: int = 30
    title_pt: int = 38
    amount_pt: int = 44
    amount_big_pt: int = 58
    key_pt: int = 30
    field_pt: int = 36
    touch_min: int = 88
    key_min: int = 92
    radius: int = 18
    margin: int = 40
    spacing: int = 24
    border: int = 2

    def compacted(self) -> Sizes:
        """For short screens (e.g. 1280x1024 landscape): smaller headings, amounts and keys;
        body text and touch targets stay at or above their minimums (22 pt, 72 px)."""
        return self._replace(
            button_pt=min(self.button_pt, 24),
            heading_pt=min(self.heading_pt, 26),
            title_pt=min(self.title_pt, 30),
            amount_pt=min(self.amount_pt, 34),
            amount_big_pt=min(self.amount_big_pt, 40),
            key_pt=min(self.key_pt, 26),
            field_pt=min(self.field_pt, 28),
            touch_min=max(76, min(self.touch_min, 76)),
            key_min=max(72, min(self.key_min, 74)),
        )

    def scaled(self, factor: float) -> Sizes:
        """Larger type and touch targets for the large-text mode (radius and margins unchanged)."""

        def s(v: int) -> int:
            return round(v * factor)

        return self._replace(
            small_pt=s(self.small_pt),
            body_pt=s(self.body_pt),
            button_pt=s(self.button_pt),
            heading_pt=s(self.heading_pt),
            title_pt=s(self.title_pt),
            amount_pt=s(self.amount_pt),
            amount_big_pt=s(self.amount_big_pt),
            key_pt=s(self.key_pt),
            field_pt=s(self.field_pt),
            touch_min=s(self.touch_min),
            key_min=s(self.key_min),
        )


# Moldova's flag colours give the stripe under the header; the rest is a calm blue-grey scheme
# with every text colour at >= 7:1 contrast on its background (WCAG AAA for body text).
STANDARD_COLORS = Colors(
    background="#eef2f7",
    surface="#ffffff",
    surface_border="#d5dde8",
    text="#13223b",
    muted="#3f4d63",
    header="#0b2e59",
    header_text="#ffffff",
    primary="#0b57d0",
    primary_pressed="#083f99",
    primary_text="#ffffff",
    secondary="#ffffff",
    secondary_pressed="#d9e3f2",
    secondary_text="#0b2e59",
    secondary_border="#9fb3cf",
    danger="#ffffff",
    danger_pressed="#f6d9d7",
    danger_text="#a4161a",
    success="#17693a",
    warning="#8a4b00",
    error="#a4161a",
    accent="#ffd200",
    disabled="#d5dde8",
    disabled_text="#56627a",
    overlay="rgba(8, 20, 40, 190)",
    field="#ffffff",
    field_border="#0b57d0",
    field_invalid="#a4161a",
    icon_on_surface="#0b57d0",
)

HIGH_CONTRAST_COLORS = Colors(
    background="#000000",
    surface="#000000",
    surface_border="#ffffff",
    text="#ffffff",
    muted="#ffffff",
    header="#000000",
    header_text="#ffe600",
    primary="#ffe600",
    primary_pressed="#ffffff",
    primary_text="#000000",
    secondary="#000000",
    secondary_pressed="#333333",
    secondary_text="#ffffff",
    secondary_border="#ffffff",
    danger="#000000",
    danger_pressed="#333333",
    danger_text="#ff8a80",
    success="#7dff9b",
    warning="#ffe600",
    error="#ff8a80",
    accent="#ffe600",
    disabled="#000000",
    disabled_text="#bbbbbb",
    overlay="rgba(0, 0, 0, 225)",
    field="#000000",
    field_border="#ffe600",
    field_invalid="#ff8a80",
    icon_on_surface="#ffe600",
)


class Theme(NamedTuple):
    name: str
    colors: Colors
    sizes: Sizes

    def stylesheet(self) -> str:
        """The application style sheet: every widget styled by class and ``role`` property."""
        c, z = self.colors, self.sizes
        border = z.border + (1 if self.colors is HIGH_CONTRAST_COLORS else 0)
        return f"""
* {{ font-family: "DejaVu Sans"; }}
QWidget#KioskRoot, QWidget#KioskScreen, QStackedWidget, QScrollArea, QWidget#ScrollBody {{
    background: {c.background}; color: {c.text};
}}
QLabel {{ color: {c.text}; font-size: {z.body_pt}pt; background: transparent; }}
QLabel[role="title"] {{ font-size: {z.title_pt}pt; font-weight: bold; }}
QLabel[role="heading"] {{ font-size: {z.heading_pt}pt; font-weight: bold; }}
QLabel[role="body"] {{ font-size: {z.body_pt}pt; }}
QLabel[role="muted"] {{ font-size: {z.small_pt}pt; color: {c.muted}; }}
QLabel[role="caption"] {{ font-size: {z.small_pt}pt; color: {c.muted}; }}
QLabel[role="value"] {{ font-size: {z.body_pt}pt; font-weight: bold; }}
QLabel[role="amount"] {{ font-size: {z.amount_pt}pt; font-weight: bold; }}
QLabel[role="amount-big"] {{ font-size: {z.amount_big_pt}pt; font-weight: bold; }}
QLabel[role="success"] {{ font-size: {z.heading_pt}pt; font-weight: bold; color: {c.success}; }}
QLabel[role="warning"] {{ font-size: {z.body_pt}pt; font-weight: bold; color: {c.warning}; }}
QLabel[role="error"] {{ font-size: {z.body_pt}pt; font-weight: bold; color: {c.error}; }}
QLabel[role="field"] {{
    font-size: {z.field_pt}pt; font-weight: bold; background: {c.field};
    border: {border + 1}px solid {c.field_border}; border-radius: {z.radius}px; padding: 12px 20px;
}}
QLabel[role="field"][invalid="true"] {{ border-color: {c.field_invalid}; }}
QWidget#Header {{ background: {c.header}; }}
QWidget#Header QLabel {{ color: {c.header_text}; }}
QWidget#Header QLabel[role="brand"] {{ font-size: {z.heading_pt}pt; font-weight: bold; }}
QWidget#Header QLabel[role="step"] {{ font-size: {z.small_pt}pt; }}
QWidget#Header IconView {{ color: {c.header_text}; }}
QWidget#Footer {{ background: {c.background}; border-top: {border}px solid {c.surface_border}; }}
QFrame[role="card"] {{
    background: {c.surface}; border: {border}px solid {c.surface_border};
    border-radius: {z.radius}px;
}}
QFrame[role="card"] QLabel {{ background: transparent; }}
QFrame[role="rule"] {{ background: {c.surface_border}; border: none; }}
QWidget#Stripe {{ background: {c.accent}; }}
IconView {{ color: {c.icon_on_surface}; }}
IconView[tone="success"] {{ color: {c.success}; }}
IconView[tone="warning"] {{ color: {c.warning}; }}
IconView[tone="error"] {{ color: {c.error}; }}
Spinner {{ color: {c.primary if self.colors is STANDARD_COLORS else c.accent}; }}
QrView {{ color: #000000; background: #ffffff; }}
Button {{
    background: {c.secondary}; border: {border}px solid {c.secondary_border};
    border-radius: {z.radius}px; min-height: {z.touch_min}px;
}}
Button QLabel {{ color: {c.secondary_text}; font-size: {z.button_pt}pt; font-weight: bold; }}
Button QLabel[role="detail"] {{ font-size: {z.small_pt}pt; font-weight: normal; }}
Button IconView {{ color: {c.secondary_text}; }}
Button:pressed {{ background: {c.secondary_pressed}; }}
Button[role="primary"] {{ background: {c.primary}; border-color: {c.primary}; }}
Button[role="primary"]:pressed {{ background: {c.primary_pressed}; }}
Button[role="primary"] QLabel, Button[role="primary"] IconView {{ color: {c.primary_text}; }}
Button[role="danger"] {{ background: {c.danger}; border-color: {c.danger_text}; }}
Button[role="danger"]:pressed {{ background: {c.danger_pressed}; }}
Button[role="danger"] QLabel, Button[role="danger"] IconView {{ color: {c.danger_text}; }}
Button[role="tile"] {{ background: {c.surface}; border-color: {c.surface_border}; }}
Button[role="tile"]:pressed {{ background: {c.secondary_pressed}; }}
Button[role="tile"][selected="true"] {{ border: {border + 2}px solid {c.field_border}; }}
Button[role="tile"] QLabel {{ color: {c.text}; font-size: {z.body_pt}pt; }}
Button[role="tile"] QLabel[role="detail"] {{
    color: {c.muted}; font-size: {z.small_pt}pt; font-weight: normal;
}}
Button[role="tile"] IconView {{ color: {c.icon_on_surface}; }}
Button[role="key"] {{
    background: {c.surface}; border-color: {c.surface_border}; min-height: {z.key_min}px;
}}
Button[role="key"]:pressed {{ background: {c.secondary_pressed}; }}
Button[role="key"] QLabel {{ color: {c.text}; font-size: {z.key_pt}pt; }}
Button[role="key-action"] {{
    background: {c.secondary_pressed}; border-color: {c.secondary_border};
    min-height: {z.key_min}px;
}}
Button[role="key-action"] QLabel {{ color: {c.secondary_text}; font-size: {z.button_pt}pt; }}
Button[role="key-action"] IconView {{ color: {c.secondary_text}; }}
Button[scale="large"] {{ min-height: {round(z.touch_min * 1.35)}px; }}
Button[scale="huge"] {{ min-height: {round(z.touch_min * 2.1)}px; }}
Button[scale="tile"] {{ min-height: {round(z.touch_min * 3)}px; }}
Button[role="chip"] {{ border-radius: {z.touch_min // 2}px; }}
Button[role="chip"][selected="true"] {{ background: {c.primary}; border-color: {c.primary}; }}
Button[role="chip"][selected="true"] QLabel,
Button[role="chip"][selected="true"] IconView {{ color: {c.primary_text}; }}
Button[off="true"] {{ background: {c.disabled}; border-color: {c.disabled}; }}
Button[off="true"] QLabel, Button[off="true"] IconView {{ color: {c.disabled_text}; }}
QWidget#Overlay {{ background: {c.overlay}; }}
QScrollBar:vertical {{ width: 14px; background: transparent; }}
QScrollBar::handle:vertical {{
    background: {c.secondary_border}; border-radius: 7px; min-height: 60px;
}}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; }}
"""


STANDARD = Theme(name="standard", colors=STANDARD_COLORS, sizes=Sizes())
HIGH_CONTRAST = Theme(name="high-contrast", colors=HIGH_CONTRAST_COLORS, sizes=Sizes())
LARGE_TEXT_FACTOR = 1.25


#: Windows lower than this get the compact sizes (1280x1024 landscape; 1080x1920 does not).
COMPACT_BELOW_HEIGHT = 1300


def theme_for(
    *, high_contrast: bool = False, large_text: bool = False, compact: bool = False
) -> Theme:
    """The theme for an accessibility setting and screen; each combination has its own name."""
    colors = HIGH_CONTRAST_COLORS if high_contrast else STANDARD_COLORS
    sizes = Sizes().scaled(LARGE_TEXT_FACTOR) if large_text else Sizes()
    if compact:
        sizes = sizes.compacted()
    name = "-".join(
        n
        for n, on in (
            ("high-contrast", high_contrast),
            ("large-text", large_text),
            ("compact", compact),
        )
        if on
    )
    return Theme(name=name or "standard", colors=colors, sizes=sizes)
