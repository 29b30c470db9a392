"""A terminal killed (by the test) between journalling a card approval and acknowledging it
to the card terminal.

``python -m tests.runtime.card_child STATE_DIR ENDPOINT CARD_PORT ORDER_KEY``.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

from kiosk.session import events as ev
from tests.runtime.conftest import start_terminal


class _StallAfterApproval:
    """The ledger, except that the process freezes right after an approval is journalled."""

    def __init__(self, ledger: Any) -> None:
        self._ledger = ledger

    def record_card_approval(self, *args: Any, **kwargs: Any) -> Any:
        self._ledger.record_card_approval(*args, **kwargs)
        print("JOURNALLED", flush=True)
        threading.Event().wait()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ledger, name)


def main() -> None:
    state, endpoint, card_port, order_key = sys.argv[1:5]
    t = start_terminal(Path(state), endpoint=endpoint, card_port=card_port)
    t.runtime.card._ledger = _StallAfterApproval(t.runtime.card._ledger)
    p = t.payer
    p.to_method("MDS02", order_key, "ro")
    print("READY", flush=True)
    p.send(ev.MethodChosen(method="card"))
    threading.Event().wait()


if __name__ == "__main__":
    main()
