"""Receipt blocks to ESC/POS bytes, composed on a python-escpos ``Dummy`` printer.

python-escpos provides the commands (init, styles, native QR, feed and cut per the printer
profile); text bytes are ours (``encoding``): each line is planned into code-page runs and
``ESC t n`` is sent, with the profile's slot number, whenever a run needs a page other than the
current one. After ``ESC @`` the printer's page is unknown (its default is a memory switch), so
the first non-ASCII run always selects its page. ``ESC R 0`` pins the international character
set to USA, so that ASCII (``#``, ``$``, ``@``, brackets) prints as ASCII whatever the printer's
default. The same receipt and profile always give the same bytes (reprints are identical).

Nothing is printed as ``?``: a line that no configured page can hold is drawn as an image.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kiosk.receipts._escpos import escpos_printer
from kiosk.receipts.encoding import fold, needs_exact_letters, plan_line
from kiosk.receipts.layout import Align, Block, Feed, Line, Qr, Rule, layout
from kiosk.receipts.model import Receipt
from kiosk.receipts.profiles import PrinterProfile
from kiosk.receipts.raster import qr_image, raster_command, text_image

__all__ = ["render", "render_blocks", "QR_MODULE", "RenderStats"]

QR_MODULE = 6  # dots per QR module (printer's QR engine): 0.75 mm at 203 dpi
QR_MODULE_RASTER = 4  # 0.5 mm, still easy for phone cameras; keeps the image near 8 KB

_QR_ECLEVEL_M = 1  # escpos.constants.QR_ECLEVEL_M
_ESC_R_USA = b"\x1bR\x00"
_ESC_T = b"\x1bt"
_LF = b"\n"


class RenderStats:
    """What the last render did (for tests and logs): raster lines, page switches."""

    def __init__(self) -> None:
        self.raster_lines: list[str] = []
        self.page_switches = 0


def render(receipt: Receipt, profile: PrinterProfile, *, stats: RenderStats | None = None) -> bytes:
    """The complete print job for ``receipt`` on ``profile``: init, text, QR, feed and cut."""
    blocks = layout(receipt, profile.columns, comma_below=profile.comma_below)
    return render_blocks(blocks, profile, receipt.lang, stats=stats)


def render_blocks(
    blocks: Iterable[Block],
    profile: PrinterProfile,
    lang: str,
    *,
    stats: RenderStats | None = None,
) -> bytes:
    printer: Any = escpos_printer().Dummy(profile=profile.name)
    job = _Job(printer, profile, lang, stats or RenderStats())
    printer.hw("INIT")
    printer._raw(_ESC_R_USA)
    for block in blocks:
        job.block(block)
    job.style(Line(""))
    if profile.cut:
        printer.cut()
    else:
        printer.print_and_feed(4)
    return bytes(printer.output)


class _Job:
    def __init__(self, printer: Any, profile: PrinterProfile, lang: str, stats: RenderStats):
        self.p = printer
        self.profile = profile
        self.lang = lang
        self.stats = stats
        self.page: str | None = None
        self.current: tuple[Align, bool, int] | None = None

    def style(self, line: Line) -> None:
        wanted = (line.align, line.bold, line.size)
        if wanted == self.current:
            return
        self.current = wanted
        big = line.size >= 2
        self.p.set(
            align=line.align.value,
            bold=line.bold,
            double_width=big,
            double_height=big,
            normal_textsize=not big,
        )

    def block(self, block: Block) -> None:
        if isinstance(block, Line):
            self.line(block)
        elif isinstance(block, Rule):
            self.line(Line(block.char * self.profile.columns))
        elif isinstance(block, Feed):
            self.p._raw(_LF * block.lines)
        elif isinstance(block, Qr):
            self.qr(block.data)

    def line(self, line: Line) -> None:
        text = fold(line.text, comma_below=self.profile.comma_below)
        plan = None
        if not (self.profile.comma_below == "raster" and needs_exact_letters(text)):
            plan = plan_line(text, line.pages or self.profile.pages_for(self.lang))
        if plan is None:
            self.raster(text, line)
            return
        self.style(line)
        for segment in plan:
            if segment.codepage is not None and segment.codepage != self.page:
                self.p._raw(_ESC_T + bytes((self.profile.slot(segment.codepage),)))
                self.page = segment.codepage
                self.stats.page_switches += 1
            self.p._raw(segment.data)
        self.p._raw(_LF)

    def raster(self, text: str, line: Line) -> None:
        self.stats.raster_lines.append(text)
        # the picture carries its own alignment; left-align so the printer does not shift it
        self.style(Line("", Align.LEFT, line.bold, 1))
        image = text_image(
            text,
            width_px=self.profile.width_px,
            bold=line.bold,
            size=line.size,
            align=line.align.value,
        )
        self.p._raw(raster_command(image))

    def qr(self, data: str) -> None:
        if self.profile.native_qr:
            self.style(Line("", Align.CENTER))
            self.p.qr(data, ec=_QR_ECLEVEL_M, size=QR_MODULE, native=True)
            self.p._raw(_LF)
        else:
            self.style(Line("", Align.LEFT))
            image = qr_image(data, module=QR_MODULE_RASTER, width_px=self.profile.width_px)
            self.p._raw(raster_command(image))
