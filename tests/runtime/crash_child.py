"""A terminal process that is killed (SIGKILL) in the middle of a cash session.

``python -m tests.runtime.crash_child STATE_DIR ENDPOINT ORDER_KEY MODE [DELAY]``; MODE:
``partial`` (killed after 120.00 of 150.00 is in), ``complete`` (killed the moment the last
bill is journalled), ``delay`` (killed DELAY seconds after the first bill goes in).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from kiosk.session.view import Screen
from tests.runtime.conftest import start_terminal


def main() -> None:
    state_dir, endpoint, order_key, mode = sys.argv[1:5]
    delay = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    t = start_terminal(Path(state_dir), endpoint=endpoint)
    p = t.payer
    p.to_method("MDS02", order_key, "ro")
    p.start_cash()
    print("READY", flush=True)
    if mode == "delay":
        threading.Timer(delay, os.kill, args=(os.getpid(), signal.SIGKILL)).start()
    for n, bill in enumerate((10000, 2000, 2000, 1000)):
        before = p.view.cash.inserted if p.view.cash else 0
        t.world.insert_bill(bill)
        if mode == "complete" and n == 3:
            p.wait(lambda v: v.screen is not Screen.CASH, "settling")
            os.kill(os.getpid(), signal.SIGKILL)
        p.wait(lambda v, b=before: v.cash is None or v.cash.inserted > b, "credit")
        if mode == "partial" and n == 1:
            os.kill(os.getpid(), signal.SIGKILL)
    p.wait_screen(Screen.RESULT, timeout=30)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main()
