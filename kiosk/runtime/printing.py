"""The receipt desk: builds each receipt from the journal, keeps it for reprints, prints it.

Runs on its own thread (printing blocks for seconds). The receipt is stored in the ledger
(``store_receipt``, keyed by PaymentID or voucher code) *before* it is printed, so a receipt
lost to a paper-out can always be reprinted (``kiosk receipt reprint``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from kiosk.ledger import Ledger
from kiosk.receipts import (
    CardSlip,
    IssuedVoucher,
    PaymentMethod,
    PrinterState,
    PrinterStatus,
    PrintOutcome,
    PrintResult,
    ReceiptSettings,
    VoucherCause,
    payment_receipt,
    print_receipt,
    receipt_to_dict,
    voucher_receipt,
)
from kiosk.session import effects as fx
from kiosk.session import events as ev

__all__ = ["ReceiptDesk", "ReopeningPrinter"]

log = logging.getLogger(__name__)

#: IssueVoucher.reason -> what the voucher receipt says; anything else (fault, unpayable,
#: late_credit, interrupted) is a payment that could not be made.
_CAUSES = {
    "change": VoucherCause.OVERPAYMENT,
    "give_up": VoucherCause.CANCELLED,
    "timeout": VoucherCause.CANCELLED,
}


class ReopeningPrinter:
    """The configured printer, opened on first use and again after it stopped answering.

    A printer unplugged at boot (or a USB-serial port that vanished) must not stop the kiosk
    from starting or crash-loop it under systemd: payers are told up front that no paper
    receipt can be printed, and the printer comes back without a restart once it answers."""

    def __init__(self, opener: Callable[[], Any], *, retry_s: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._opener = opener
        self._retry_s = retry_s
        self._clock = clock
        self._printer: Any = None
        self._next_try = 0.0
        self.last_error: str | None = None

    def _get(self) -> Any:
        if self._printer is None and self._clock() >= self._next_try:
            try:
                self._printer = self._opener()
                self.last_error = None
                log.info("printer: opened")
            except Exception as exc:
                self._next_try = self._clock() + self._retry_s
                if str(exc) != self.last_error:
                    log.warning("printer: cannot open it: %s (retrying every %.0f s)", exc,
                                self._retry_s)
                self.last_error = str(exc)
        return self._printer

    def _drop(self) -> None:
        printer, self._printer = self._printer, None
        self._next_try = self._clock() + self._retry_s
        if printer is not None:
            try:
                printer.close()
            except Exception:
                log.debug("printer: close failed", exc_info=True)

    def status(self) -> PrinterStatus:
        printer = self._get()
        if printer is None:
            return _SILENT
        status: PrinterStatus = printer.status()
        if status.state is PrinterState.NOT_ANSWERING:
            self._drop()  # reopen the port next time: it may have been unplugged and back
        return status

    def print_job(self, data: bytes, *, name: str = "receipt") -> Any:
        printer = self._get()
        if printer is None:
            return PrintResult(outcome=PrintOutcome.NOT_READY, before=_SILENT, after=_SILENT,
                               bytes_sent=0, error=self.last_error or "printer not open")
        return printer.print_job(data, name=name)

    def close(self) -> None:
        self._drop()


_SILENT = PrinterStatus(state=PrinterState.NOT_ANSWERING)


class ReceiptDesk:
    def __init__(
        self,
        printer: Any,
        profile: Any,
        settings: ReceiptSettings,
        ledger: Ledger,
        *,
        post: Callable[[Any], None],
        service_name: Callable[[str, str], str],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.printer = printer
        self.profile = profile
        self.settings = settings
        self._ledger = ledger
        self._post = post
        self._service_name = service_name
        self._clock = clock
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="printer")
        self._lock = threading.Lock()
        self.ok: bool | None = None
        self.last_status: dict[str, Any] = {}

    def print(self, effect: fx.PrintReceipt, voucher_reason: str | None) -> None:
        self._pool.submit(self._print, effect, voucher_reason)

    def check_status(self) -> bool:
        """Poll the printer (monitor thread); tells the session when it can or cannot print."""
        with self._lock:
            try:
                status = self.printer.status()
                ok = bool(status.can_print)
                self.last_status = {"state": str(getattr(status.state, "value", status.state)),
                                    "can_print": ok}
            except Exception as exc:
                ok = False
                self.last_status = {"state": "not_answering", "can_print": False, "error": str(exc)}
        if ok != self.ok:
            self.ok = ok
            self._post(ev.PrinterStatusChanged(ok=ok))
        return ok

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
        try:
            self.printer.close()
        except Exception:
            log.exception("printer did not close cleanly")

    # -- worker --------------------------------------------------------------------------------
    def _print(self, e: fx.PrintReceipt, voucher_reason: str | None) -> None:
        try:
            receipt, key, kind = self._build(e, voucher_reason)
            self._ledger.store_receipt(key, kind, receipt_to_dict(receipt))
        except Exception:
            log.exception("receipt: could not build the receipt")
            self._post(ev.ReceiptPrinted(request_id=e.request_id, ok=False))
            return
        with self._lock:
            try:
                result = print_receipt(self.printer, receipt, self.profile)
                ok = result.ok
            except Exception:
                log.exception("receipt: printing failed")
                ok = False
        if not ok:
            log.warning("receipt %s not printed; kept for a reprint", key)
        self._post(ev.ReceiptPrinted(request_id=e.request_id, ok=ok))

    def _build(self, e: fx.PrintReceipt, voucher_reason: str | None) -> tuple[Any, str, str]:
        now = self._clock()
        voucher = (IssuedVoucher(code=e.voucher_code, amount=e.voucher_amount)
                   if e.voucher_code else None)
        if e.payment_id and e.order is not None:
            payment = self._ledger.payment(e.payment_id)
            credits = self._ledger.credits(payment.session_id)
            sources = {c.source for c in credits}
            method = (PaymentMethod.CARD if sources == {"card"} else
                      PaymentMethod.MIXED if "card" in sources else PaymentMethod.CASH)
            card = None
            for c in credits:
                if c.source == "card" and c.detail.get("masked_pan"):
                    card = CardSlip(masked_pan=str(c.detail["masked_pan"]),
                                    approval_code=c.detail.get("approval_code"),
                                    terminal_id=c.detail.get("terminal_id"),
                                    trace=c.detail.get("trace"), rrn=c.detail.get("rrn"),
                                    amount=c.amount,
                                    lines=tuple(str(c.detail.get("receipt_lines") or "").splitlines()))
            receipt = payment_receipt(
                self.settings, lang=e.language, number=e.payment_id, issued_at=now,
                order=e.order, confirmation=payment.confirmation,
                service_name=self._service_name(e.service_id or payment.service_id, e.language),
                amount_inserted=e.inserted, fee=e.fee,
                confirmed=e.confirmation == "confirmed", method=method, voucher=voucher, card=card,
            )
            return receipt, e.payment_id, "payment"
        if e.voucher_code:
            cause = _CAUSES.get(voucher_reason or "", VoucherCause.FAILED)
            slip = voucher_receipt(
                self.settings, lang=e.language, number=e.voucher_code, issued_at=now,
                code=e.voucher_code, amount=e.voucher_amount, cause=cause,
            )
            return slip, e.voucher_code, "voucher"
        raise ValueError("a receipt needs a payment or a voucher")
