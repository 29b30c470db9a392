"""A host process for a bill validator on PORT that dies (SIGKILL from the test) mid-bill.

``python -m tests.runtime.bill_child STATE_DIR PORT MODE``; MODE ``stack`` just serves (the
test kills it while the bill is being stacked); ``ack`` stalls for ever right after the
credit is journalled, before the driver may ACK it (the test kills it there).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from drivers.ccnet.driver import BillValidator
from drivers.link import SerialLink
from kiosk.ledger import Ledger
from kiosk.runtime.cash import CashDesk


def main() -> None:
    state, port, mode = sys.argv[1:4]
    ledger = Ledger.open(Path(state), terminal_id="T-1")
    sid = ledger.begin_session("payer-1")
    desk = CashDesk(ledger, post=lambda _e: None, session_for_credit=lambda: sid)
    if mode == "ack":
        journal = desk._credit

        def stall_after_journal(event):  # test hook: the crash point between journal and ACK
            journal(event)
            print("JOURNALLED", flush=True)
            threading.Event().wait()

        desk._credit = stall_after_journal  # type: ignore[method-assign]
    desk.attach("bill", "ccnet", port,
                lambda **cb: BillValidator(lambda: SerialLink(port, 9600), poll_interval=0.05, **cb))
    desk.start()
    desk.enable(None)
    print("READY", flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main()
