"""Pictures of text and QR codes, and their ESC/POS raster form (``GS v 0``).

Used for lines no configured code page can print (and, if asked, for exact ș ț), for QR codes on
printers without a QR engine, and by the PNG preview. Text is drawn on the printer's character
grid (font A cells, 12 x 24 dots) with DejaVu Sans Mono, so a rastered line lines up with the
printed ones.

Real-time commands inside image data: a printer reacts to ``DLE EOT n``, ``DLE ENQ n`` and
``DLE DC4 ...`` wherever the bytes appear, even inside a bit image (devices.md 4.1), which would
answer a status query nobody asked for (or clear the buffer). ``sanitize_raster`` clears the one
dot (bit 4 of the 0x10 byte) that would start such a sequence: invisible on paper, and a QR
module is several dots wide.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

__all__ = [
    "FONT_DIR",
    "CELL_WIDTH",
    "CELL_HEIGHT",
    "font",
    "cells",
    "draw_cells",
    "text_image",
    "qr_image",
    "fit_width",
    "raster_command",
    "sanitize_raster",
    "image_from_raster",
]

log = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CELL_WIDTH = 12
CELL_HEIGHT = 24
_FONT_SIZE = 20  # DejaVu Sans Mono advance 12.05 px, ascent + descent 24 px at this size
_REALTIME_SECOND = (0x04, 0x05, 0x14)  # EOT, ENQ, DC4 after DLE

FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def font(bold: bool = False) -> FontType:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), _FONT_SIZE)
    except OSError:
        log.warning("font %s missing (install fonts-dejavu-core); using Pillow's default", name)
        return ImageFont.load_default(_FONT_SIZE)


def cells(text: str) -> int:
    """Character cells the text takes: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def draw_cells(
    draw: ImageDraw.ImageDraw,
    x: int,
    y: int,
    text: str,
    *,
    bold: bool = False,
    fill: int = 0,
    cell_width: int = CELL_WIDTH,
) -> int:
    """Draw ``text`` one character per cell from (x, y) at normal size; returns the end x."""
    f = font(bold)
    for ch in text:
        span = cell_width * (2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1)
        if ch != " ":
            advance = f.getlength(ch)
            draw.text((x + (span - advance) / 2, y), ch, font=f, fill=fill)
        x += span
    return x


def text_image(
    text: str,
    *,
    width_px: int,
    bold: bool = False,
    size: int = 1,
    align: str = "left",
    cell_width: int = CELL_WIDTH,
) -> Image.Image:
    """One printed line as a 1-bit image the width of the paper (``size`` 2: double)."""
    n = cells(text)
    strip = Image.new("L", (max(1, n * cell_width), CELL_HEIGHT), 255)
    draw_cells(ImageDraw.Draw(strip), 0, 0, text, bold=bold, cell_width=cell_width)
    if size != 1:
        strip = strip.resize((strip.width * size, strip.height * size), Image.Resampling.NEAREST)
    strip = fit_width(strip, width_px)
    line = Image.new("L", (width_px, strip.height), 255)
    x = {"center": (width_px - strip.width) // 2, "right": width_px - strip.width}.get(align, 0)
    line.paste(strip, (max(0, x), 0))
    return line.point(lambda v: 255 if v >= 128 else 0).convert("1")


def fit_width(image: Image.Image, width_px: int) -> Image.Image:
    if image.width <= width_px:
        return image
    height = max(1, image.height * width_px // image.width)
    return image.resize((width_px, height), Image.Resampling.LANCZOS)


def qr_image(data: str, *, module: int, width_px: int, align: str = "center") -> Image.Image:
    """A QR code (error correction M) as a 1-bit image the width of the paper."""
    import qrcode
    import qrcode.constants

    code = qrcode.QRCode(
        version=None,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=module,
        border=2,
    )
    code.add_data(data.encode("utf-8"))
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix) * module
    while size > width_px and module > 1:
        module -= 1
        size = len(matrix) * module
    picture = Image.new("L", (width_px, size), 255)
    draw = ImageDraw.Draw(picture)
    x0 = {"center": (width_px - size) // 2, "right": width_px - size}.get(align, 0)
    for row, values in enumerate(matrix):
        for col, dark in enumerate(values):
            if dark:
                x, y = x0 + col * module, row * module
                draw.rectangle((x, y, x + module - 1, y + module - 1), fill=0)
    return picture.convert("1")


def sanitize_raster(data: bytes) -> bytes:
    """Raster bytes with no ``DLE EOT/ENQ/DC4`` sequence in them (see module docstring)."""
    if b"\x10" not in data:
        return data
    out = bytearray(data)
    for i in range(len(out) - 1):
        if out[i] == 0x10 and out[i + 1] in _REALTIME_SECOND:
            out[i] = 0x00
    return bytes(out)


def raster_command(image: Image.Image) -> bytes:
    """``GS v 0`` for a 1-bit image (black = dot printed); width padded to whole bytes."""
    mono = ImageOps.invert(image.convert("L")).convert("1")  # PIL 1 = white; ESC/POS 1 = dot
    width_bytes = (mono.width + 7) // 8
    if mono.width % 8:
        padded = Image.new("1", (width_bytes * 8, mono.height), 0)
        padded.paste(mono, (0, 0))
        mono = padded
    data = sanitize_raster(mono.tobytes())
    header = bytes(
        (0x1D, 0x76, 0x30, 0x00, width_bytes & 0xFF, width_bytes >> 8)
        + (mono.height & 0xFF, mono.height >> 8)
    )
    return header + data


def image_from_raster(width_bytes: int, height: int, data: bytes) -> Image.Image:
    """The inverse of ``raster_command``: a 1-bit image from ``GS v 0`` data."""
    need = width_bytes * height
    data = data[:need].ljust(need, b"\x00")
    dots = Image.frombytes("1", (width_bytes * 8, height), data)
    return ImageOps.invert(dots.convert("L")).convert("1")
