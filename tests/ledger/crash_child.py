"""A child process for the crash tests: journals credits, mints payments, issues vouchers and
delivers the outbox for a fixed plan of sessions, resuming whatever a previous run left.

Driven by environment variables:

* ``CRASH_STATE``: state directory; ``CRASH_ENDPOINT``: the MPay sandbox URL;
* ``CRASH_SESSIONS``: how many sessions the plan has;
* ``CRASH_KILL_STMT``: SIGKILL itself just before the N-th SQL statement on the ledger's
  connection (any thread; inside transactions too); ``CRASH_KILL_STEP``: SIGKILL itself after
  the N-th completed ledger call. Absent or 0: run to the end, drain, print ``done``.

Each completed durable step is printed as one line (``credit REF``, ``minted PID SHA``,
``voucher CODE AMOUNT``) so the parent knows what was acknowledged before the kill.
Not a test module: the parent runs it with the venv's python.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from kiosk.ledger import Ledger, OutboxWorker
from kiosk.mpay.client import MpayClient
from kiosk.mpay.confirmation import build_confirmation
from kiosk.mpay.models import Order, OrderLine, PaymentConfirmation
from kiosk.mpay.sandbox import demo_cert
from kiosk.mpay.settings import MpaySettings

KILL_STMT = int(os.environ.get("CRASH_KILL_STMT", "0"))
KILL_STEP = int(os.environ.get("CRASH_KILL_STEP", "0"))
_statements = 0
_steps = 0


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _trace(_sql: str) -> None:
    global _statements
    _statements += 1
    if _statements == KILL_STMT:
        _die()


def say(line: str) -> None:
    global _steps
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    _steps += 1
    if _steps == KILL_STEP:
        _die()


def order(key: str) -> Order:
    return Order(
        service_id="IGP01",
        order_key=key,
        status="Active",
        reason="crash test",
        total_amount_due=Decimal("150.00"),
        lines=(OrderLine(line_id="SIM-1", reason="r", amount_due=Decimal("150.00")),),
    )


def build(key: str) -> Callable[[str, datetime], PaymentConfirmation]:
    def b(pid: str, at: datetime) -> PaymentConfirmation:
        return build_confirmation(order(key), 15000, pid, at)

    return b


# session kind -> (credits as (source, bani), pays?, fee)
PLANS = {
    0: ([("bill", 10000), ("bill", 5000)], True, 0),  # exact
    1: ([("bill", 10000), ("bill", 10000)], True, 0),  # change -> voucher 50.00
    2: ([("bill", 10000)], False, 0),  # cancelled -> voucher 100.00
    3: ([("bill", 10000), ("bill", 5000), ("coin", 100), ("coin", 100)], True, 200),  # fee
}


def finish(ledger: Ledger, sid: str, key: str, pays: bool, fee: int) -> None:
    """Pay if the session holds enough and has not paid yet; voucher for what is left."""
    if pays and not ledger.payments(sid) and ledger.balance(sid) >= 15000 + fee:
        p = ledger.mint_payment(sid, build(key), fee=fee)
        say(f"minted {p.payment_id} {p.content_sha256}")
    rest = ledger.balance(sid)
    if rest:
        v = ledger.issue_voucher(sid, rest, "change" if pays else "cancelled")
        say(f"voucher {v.code} {v.amount}")
    ledger.end_session(sid, "done")


def main() -> int:
    state = Path(os.environ["CRASH_STATE"])
    n = int(os.environ["CRASH_SESSIONS"])
    ledger = Ledger.open(state, terminal_id="CRASH-01")
    if KILL_STMT:
        ledger.store.conn.set_trace_callback(_trace)
    settings = MpaySettings(
        endpoint=os.environ["CRASH_ENDPOINT"],
        sign_cert=demo_cert("terminal.crt"),
        sign_key=demo_cert("terminal.key"),
        mpay_cert=demo_cert("mpay.crt"),
        timeout_s=2.0,
    )
    client = MpayClient(settings)
    worker = OutboxWorker(ledger, client, backoff_initial_s=0.02, backoff_max_s=0.1)
    worker.start()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    # Recovery first, as the runtime does on every start.
    for s in ledger.interrupted_sessions():
        i = int(s.session_id[1:])
        _credits, pays, fee = PLANS[i % 4]
        intent = s.intent
        assert intent is not None and intent.order_key is not None
        say(f"recovering {s.session_id} {s.balance}")
        finish(ledger, s.session_id, intent.order_key, pays, fee)
        worker.wake()
    ended = {r["id"] for r in ledger.export()["sessions"] if r["ended_at"]}
    for i in range(n):
        sid = f"S{i}"
        if sid in ended:
            continue
        credits, pays, fee = PLANS[i % 4]
        key = f"SIM-CRASH-{i}"
        ledger.begin_session(sid)
        ledger.note_intent(sid, service_id="IGP01", order_key=key, amount=15000, fee=fee)
        for j, (source, bani) in enumerate(credits):
            ref = f"{sid}:{j}"
            device = "ccnet" if source == "bill" else "cctalk"
            ledger.record_credit(sid, source=source, amount=bani, device=device, ref=ref)
            say(f"credit {ref}")
        finish(ledger, sid, key, pays, fee)
        worker.wake()
    worker.stop()
    result = ledger.drain(client, 30, retry_initial_s=0.02, retry_max_s=0.1)
    client.close()
    ledger.close()
    say("done" if result.empty else f"not drained {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
