"""An ESC/POS interpreter: job bytes back into printed lines, pictures and QR codes.

It reads what a printer would read (``drivers.escpos.commands`` tokens) and decodes text with
the code page selected by ``ESC t n`` through the profile's slot table, so tests check the
*bytes* rather than the model: a wrong slot, a missing ``ESC t`` or a ``?`` shows up as wrong
text. The virtual printer uses it to draw a PNG of each job (``picture``).

Anything it does not understand is kept in ``Document.problems`` rather than guessed at:
unknown commands, ``ESC t`` to a slot the profile does not map, text sent before any code page
was selected while non-ASCII, lines wider than the paper (a printer would wrap them), and an
international character set other than USA.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from drivers.escpos.commands import Command, Control, RealTime, Text, UnknownCommand, tokenize
from kiosk.receipts.profiles import PrinterProfile
from kiosk.receipts.raster import cells, image_from_raster

__all__ = ["Run", "TextLine", "Picture", "QrCode", "Feed", "Cut", "Document", "interpret"]

_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
_EC = {48: "L", 49: "M", 50: "Q", 51: "H"}


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    bold: bool = False
    width: int = 1
    height: int = 1
    underline: bool = False
    codepage: str | None = None


@dataclass(frozen=True, slots=True)
class TextLine:
    runs: tuple[Run, ...]
    align: str = "left"

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def cells(self) -> int:
        return sum(cells(r.text) * r.width for r in self.runs)

    @property
    def height(self) -> int:
        return max((r.height for r in self.runs), default=1)


@dataclass(frozen=True, slots=True)
class Picture:
    width_bytes: int
    height: int
    bits: bytes
    align: str = "left"

    @property
    def width(self) -> int:
        return self.width_bytes * 8

    def image(self) -> Image.Image:
        return image_from_raster(self.width_bytes, self.height, self.bits)


@dataclass(frozen=True, slots=True)
class QrCode:
    data: str
    module: int = 3
    ec: str = "L"
    align: str = "left"


@dataclass(frozen=True, slots=True)
class Feed:
    lines: int = 0
    dots: int = 0


@dataclass(frozen=True, slots=True)
class Cut:
    partial: bool = False


Element = TextLine | Picture | QrCode | Feed | Cut


@dataclass
class Document:
    elements: list[Element] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    codepages: list[str] = field(default_factory=list)  # pages selected, in order of use
    realtime_commands: int = 0

    @property
    def lines(self) -> list[TextLine]:
        return [e for e in self.elements if isinstance(e, TextLine)]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def pictures(self) -> list[Picture]:
        return [e for e in self.elements if isinstance(e, Picture)]

    @property
    def qr_codes(self) -> list[QrCode]:
        return [e for e in self.elements if isinstance(e, QrCode)]

    @property
    def cuts(self) -> list[Cut]:
        return [e for e in self.elements if isinstance(e, Cut)]


class _State:
    def __init__(self, profile: PrinterProfile, doc: Document) -> None:
        self.profile = profile
        self.doc = doc
        self.reset()
        self.runs: list[Run] = []
        self.line_align: str | None = None
        self.qr_data = b""
        self.qr_module = 3
        self.qr_ec = "L"

    def reset(self) -> None:
        self.page: str | None = None
        self.bold = False
        self.width = 1
        self.height = 1
        self.underline = False
        self.align = "left"

    def text(self, data: bytes) -> None:
        codec = self.page or "cp437"
        if self.page is None and not data.isascii():
            self.doc.problems.append(f"non-ASCII text before any ESC t: {data!r}")
        text = data.decode(codec, errors="replace")
        if self.line_align is None:
            self.line_align = self.align
        run = Run(text, self.bold, self.width, self.height, self.underline, self.page)
        last = self.runs[-1] if self.runs else None
        if last and (last.bold, last.width, last.height, last.underline, last.codepage) == (
            run.bold,
            run.width,
            run.height,
            run.underline,
            run.codepage,
        ):
            self.runs[-1] = Run(last.text + text, *_style(last))
        else:
            self.runs.append(run)

    def end_line(self, *, force: bool = True) -> None:
        if not self.runs and not force:
            return
        line = TextLine(tuple(self.runs), self.line_align or self.align)
        if line.cells > self.profile.columns:
            self.doc.problems.append(
                f"line wider than {self.profile.columns} columns: {line.text!r}"
            )
        self.doc.elements.append(line)
        self.runs = []
        self.line_align = None


def _style(run: Run) -> tuple[bool, int, int, bool, str | None]:
    return run.bold, run.width, run.height, run.underline, run.codepage


def interpret(data: bytes, profile: PrinterProfile) -> Document:
    """Decode a print job as ``profile``'s printer would print it."""
    doc = Document()
    st = _State(profile, doc)
    for token in tokenize(data):
        if isinstance(token, Text):
            st.text(token.data)
        elif isinstance(token, Control):
            if token.code == 0x0A:
                st.end_line()
            elif token.code == 0x09:
                st.text(b" ")
            elif token.code not in (0x0D, 0x00):
                doc.problems.append(f"control byte 0x{token.code:02X}")
        elif isinstance(token, RealTime):
            doc.realtime_commands += 1
        elif isinstance(token, UnknownCommand):
            doc.problems.append(f"unknown command {token.data!r}")
        else:
            _command(st, token)
    st.end_line(force=False)
    return doc


def _command(st: _State, cmd: Command) -> None:
    doc = st.doc
    arg = cmd.args[0] if cmd.args else 0
    name = cmd.name
    if name == "ESC @":
        st.runs = []
        st.line_align = None
        st.reset()
    elif name == "ESC t":
        page = st.profile.codepage_for_slot(arg)
        if page is None:
            doc.problems.append(f"ESC t {arg}: slot not in profile {st.profile.name}")
        st.page = page
        if page and page not in doc.codepages:
            doc.codepages.append(page)
    elif name == "ESC !":
        st.bold = bool(arg & 0x08)
        st.height = 2 if arg & 0x10 else 1
        st.width = 2 if arg & 0x20 else 1
        st.underline = bool(arg & 0x80)
    elif name == "GS !":
        st.width = (arg >> 4 & 0x07) + 1
        st.height = (arg & 0x07) + 1
    elif name in ("ESC E", "ESC G"):
        st.bold = bool(arg & 1)
    elif name == "ESC -":
        st.underline = arg in (1, 2, 49, 50)
    elif name == "ESC a":
        st.align = _ALIGN.get(arg, "left")
    elif name == "ESC R":
        if arg != 0:
            doc.problems.append(f"ESC R {arg}: international character set is not USA")
    elif name == "ESC d":
        st.end_line(force=False)
        doc.elements.append(Feed(lines=arg))
    elif name == "ESC J":
        st.end_line(force=False)
        doc.elements.append(Feed(dots=arg))
    elif name == "GS v 0":
        st.end_line(force=False)
        width_bytes = cmd.args[1] | cmd.args[2] << 8
        height = cmd.args[3] | cmd.args[4] << 8
        doc.elements.append(Picture(width_bytes, height, cmd.payload, st.align))
    elif name == "GS ( k":
        _qr(st, cmd.payload)
    elif name == "GS V":
        st.end_line(force=False)
        doc.elements.append(Cut(partial=arg in (1, 49, 66, 98, 104)))
    elif name in ("ESC M", "ESC 2", "ESC 3", "GS r", "ESC {", "GS B", "ESC V"):
        pass  # font, line spacing, end-of-job marker, orientation: no effect on text content
    else:
        doc.problems.append(f"unhandled command {name}")


def _qr(st: _State, payload: bytes) -> None:
    if len(payload) < 2 or payload[0] != 0x31:  # cn = 49: QR Code
        st.doc.problems.append(f"unhandled GS ( k {payload[:2]!r}")
        return
    fn, rest = payload[1], payload[2:]
    if fn == 67 and rest:  # 'C': module size
        st.qr_module = rest[0]
    elif fn == 69 and rest:  # 'E': error correction
        st.qr_ec = _EC.get(rest[0], "?")
    elif fn == 80:  # 'P': store data (after m = '0')
        st.qr_data = rest[1:]
    elif fn == 81:  # 'Q': print
        st.end_line(force=False)
        st.doc.elements.append(
            QrCode(st.qr_data.decode("utf-8", errors="replace"), st.qr_module, st.qr_ec, st.align)
        )
