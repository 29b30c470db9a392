"""The bridge: views from any thread arrive on the Qt thread, newest only; intents go out."""

from __future__ import annotations

import threading

from ui.bridge import Bridge


class _Port:
    """A runtime seam: records submits, lets a test publish views from any thread."""

    def __init__(self, initial: object) -> None:
        self.submitted: list[object] = []
        self.callbacks: list = []
        self.initial = initial

    def submit(self, event: object) -> None:
        self.submitted.append(event)

    def subscribe(self, callback) -> None:
        self.callbacks.append(callback)
        callback(self.initial)  # like the runtime: the current view at once

    def publish(self, view: object) -> None:
        for cb in self.callbacks:
            cb(view)


def test_initial_view_is_delivered_on_the_qt_thread(qtbot):
    port = _Port(("view", 0))
    bridge = Bridge(port)
    seen: list[tuple[object, bool]] = []
    bridge.view_changed.connect(
        lambda v: seen.append((v, threading.current_thread() is threading.main_thread()))
    )
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=1000)
    assert seen == [(("view", 0), True)]
    assert bridge.view == ("view", 0)


def test_views_from_a_worker_thread_are_coalesced_to_the_newest(qtbot):
    port = _Port(("view", 0))
    bridge = Bridge(port)
    seen: list[object] = []
    bridge.view_changed.connect(seen.append)
    qtbot.waitUntil(lambda: seen == [("view", 0)], timeout=1000)

    def worker() -> None:
        for i in range(1, 201):
            port.publish(("view", i))

    thread = threading.Thread(target=worker, name="view-publisher")
    thread.start()
    thread.join(timeout=5)
    qtbot.waitUntil(lambda: seen[-1] == ("view", 200), timeout=2000)
    assert len(seen) < 201  # bursts collapse; the UI never renders stale views after newer ones
    numbers = [v[1] for v in seen]
    assert numbers == sorted(numbers)


def test_intents_reach_the_runtime_and_close_stops_everything(qtbot):
    port = _Port(("view", 0))
    bridge = Bridge(port)
    with qtbot.waitSignal(bridge.intent_sent, timeout=1000) as blocker:
        bridge.intent("tap")
    assert blocker.args == ["tap"]
    assert port.submitted == ["tap"]
    bridge.close()
    bridge.intent("late tap")
    port.publish(("view", 9))
    with qtbot.assertNotEmitted(bridge.view_changed, wait=50):
        pass
    assert port.submitted == ["tap"]
