"""Receipts: the model, its layout and ESC/POS rendering, and the printers that print them.

::

    model.py         what a receipt says (frozen dataclasses, JSON round trip for reprints)
    builder.py       receipts from an Order + PaymentConfirmation + settings (payer masking)
    verification.py  the QR content and its verification code
    layout.py        receipt -> lines wrapped to the paper (pure)
    encoding.py      text -> code-page runs (ș ț folding, no "?")
    render.py        lines -> ESC/POS bytes through python-escpos Dummy
    raster.py        text and QR as GS v 0 images
    profiles.py      printer profiles: columns, code-page slots
    interpreter.py   ESC/POS bytes -> lines, pictures, QR codes (tests, virtual printer)
    picture.py       interpreted job -> PNG
    printer.py       Printer: status and jobs over a Link; open_printer(config)
    virtual.py       VirtualPrinter: jobs to .bin + .png files
    from_ledger.py   receipts for reprints: the stored one, else rebuilt from the ledger
"""

from __future__ import annotations

from drivers.escpos.status import PrinterState, PrinterStatus
from kiosk.receipts.builder import (
    ReceiptSettings,
    collection_receipt,
    payment_receipt,
    settings_from_config,
    voucher_receipt,
)
from kiosk.receipts.model import (
    CardSlip,
    CollectionReceipt,
    ConfirmationState,
    IssuedVoucher,
    Issuer,
    PaymentMethod,
    PaymentReceipt,
    Receipt,
    ReceiptDataError,
    VoucherCause,
    VoucherReceipt,
    as_duplicate,
    receipt_from_dict,
    receipt_to_dict,
)
from kiosk.receipts.printer import (
    Printer,
    PrinterService,
    PrintOutcome,
    PrintResult,
    open_printer,
    print_receipt,
)
from kiosk.receipts.profiles import PrinterProfile, ProfileError, make_profile, profile_from_config
from kiosk.receipts.render import render
from kiosk.receipts.virtual import VirtualPrinter

__all__ = [
    "CardSlip",
    "CollectionReceipt",
    "ConfirmationState",
    "IssuedVoucher",
    "Issuer",
    "PaymentMethod",
    "PaymentReceipt",
    "PrintOutcome",
    "PrintResult",
    "Printer",
    "PrinterProfile",
    "PrinterService",
    "PrinterState",
    "PrinterStatus",
    "ProfileError",
    "Receipt",
    "ReceiptDataError",
    "ReceiptSettings",
    "VirtualPrinter",
    "VoucherCause",
    "VoucherReceipt",
    "as_duplicate",
    "collection_receipt",
    "make_profile",
    "open_printer",
    "payment_receipt",
    "print_receipt",
    "profile_from_config",
    "receipt_from_dict",
    "receipt_to_dict",
    "render",
    "settings_from_config",
    "voucher_receipt",
]
