"""Draw an interpreted print job as a PNG: what the paper would look like.

Text is drawn on the printer's grid (font A, 12 x 24 dots, 30 dots per line), pictures dot for
dot, QR codes from their data with the ``qrcode`` package, a cut as a dashed line. The image is
the paper's printable width plus a white margin.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from kiosk.receipts.interpreter import Cut, Document, Feed, Picture, QrCode, TextLine
from kiosk.receipts.profiles import PrinterProfile
from kiosk.receipts.raster import CELL_HEIGHT, CELL_WIDTH, cells, draw_cells, qr_image

__all__ = ["draw_document", "write_png", "LINE_HEIGHT", "MARGIN"]

LINE_HEIGHT = 30  # dots per text line at the default line spacing
MARGIN = 16


def _x(align: str, width: int, paper: int) -> int:
    if align == "center":
        return max(0, (paper - width) // 2)
    if align == "right":
        return max(0, paper - width)
    return 0


def _line_image(line: TextLine, paper: int) -> Image.Image:
    height = CELL_HEIGHT * line.height + (LINE_HEIGHT - CELL_HEIGHT)
    total = line.cells * CELL_WIDTH
    image = Image.new("L", (max(paper, total), height), 255)
    x = _x(line.align, total, paper)
    for run in line.runs:
        n = cells(run.text)
        if not n:
            continue
        strip = Image.new("L", (n * CELL_WIDTH, CELL_HEIGHT), 255)
        draw = ImageDraw.Draw(strip)
        draw_cells(draw, 0, 0, run.text, bold=run.bold)
        if run.underline:
            draw.line((0, CELL_HEIGHT - 2, strip.width, CELL_HEIGHT - 2), fill=0, width=2)
        if run.width != 1 or run.height != 1:
            strip = strip.resize(
                (strip.width * run.width, strip.height * run.height), Image.Resampling.NEAREST
            )
        image.paste(strip, (x, height - strip.height - (LINE_HEIGHT - CELL_HEIGHT)))
        x += strip.width
    return image.crop((0, 0, paper, height))


def _element_images(document: Document, paper: int) -> list[Image.Image]:
    out: list[Image.Image] = []
    for element in document.elements:
        if isinstance(element, TextLine):
            out.append(_line_image(element, paper))
        elif isinstance(element, Picture):
            picture = element.image().convert("L")
            row = Image.new("L", (paper, picture.height), 255)
            row.paste(picture, (_x(element.align, picture.width, paper), 0))
            out.append(row)
        elif isinstance(element, QrCode):
            out.append(
                qr_image(
                    element.data, module=element.module, width_px=paper, align=element.align
                ).convert("L")
            )
        elif isinstance(element, Feed):
            height = element.lines * LINE_HEIGHT + element.dots
            if height:
                out.append(Image.new("L", (paper, height), 255))
        elif isinstance(element, Cut):
            row = Image.new("L", (paper, 12), 255)
            draw = ImageDraw.Draw(row)
            for x in range(0, paper, 12):
                draw.line((x, 6, x + 6, 6), fill=0, width=1)
            out.append(row)
    return out


def draw_document(document: Document, profile: PrinterProfile) -> Image.Image:
    """The whole job as one grayscale image (white paper, black print)."""
    paper = profile.width_px
    parts = _element_images(document, paper)
    height = sum(p.height for p in parts) + 2 * MARGIN
    canvas = Image.new("L", (paper + 2 * MARGIN, height), 255)
    y = MARGIN
    for part in parts:
        canvas.paste(part, (MARGIN, y))
        y += part.height
    return canvas


def write_png(document: Document, profile: PrinterProfile, path: Path) -> Path:
    draw_document(document, profile).save(path, format="PNG", optimize=True)
    return path
