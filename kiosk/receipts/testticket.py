"""The commissioning test ticket: shows whether the profile's code-page slots are right.

Each configured code page prints its sample letters with that page alone (``Line.pages``), under
the ``ESC t`` slot the profile gives it. Wrong letters on paper mean a wrong slot: fix the
profile or the slot overrides before the kiosk takes money (devices.md 4.3).
"""

from __future__ import annotations

from kiosk.i18n import t
from kiosk.receipts.encoding import can_encode, fold
from kiosk.receipts.layout import Align, Block, Feed, Line, Qr, Rule, wrap
from kiosk.receipts.profiles import PrinterProfile

__all__ = ["test_ticket", "ROMANIAN_SAMPLE", "RUSSIAN_SAMPLE"]

ROMANIAN_SAMPLE = "ĂÂÎŞŢ ăâîşţ"
RUSSIAN_SAMPLE = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ абвгдеёжзийклмнопрстуфхцчшщъыьэюя №"


def test_ticket(profile: PrinterProfile, lang: str) -> tuple[Block, ...]:
    columns = profile.columns
    blocks: list[Block] = [
        *(
            Line(p, Align.CENTER, True, 2)
            for p in wrap(fold(t("receipt.title.test", lang)), columns // 2)
        ),
        Rule(),
        Line(f"{profile.name}, {profile.paper_width_mm} mm, {columns} col."),
        Line("1234567890" * (columns // 10) + "1234567890"[: columns % 10]),
        Rule(),
        Line(fold(t("receipt.test.codepages", lang)) + ":", bold=True),
    ]
    for page in profile.pages_for(lang):
        blocks.append(Line(f"{page} (ESC t {profile.slot(page)}):"))
        for label_key, sample in (
            ("receipt.test.romanian", ROMANIAN_SAMPLE),
            ("receipt.test.russian", RUSSIAN_SAMPLE),
        ):
            if not can_encode(sample, page):
                continue
            blocks.append(Line(f"  {fold(t(label_key, lang))}:"))
            blocks.extend(Line("  " + part, pages=(page,)) for part in wrap(sample, columns - 2))
    blocks.append(Rule())
    blocks.extend(Line(part) for part in wrap(fold(t("receipt.test.check", lang)), columns))
    blocks.extend([Feed(), Qr(f"MPK1;TEST;{profile.name}")])
    return tuple(blocks)
