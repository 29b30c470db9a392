"""Service mode screens for technicians (PySide6) over ``kiosk.service.ServiceBackend``.

::

    entry.py         CornerSequence: the corner-tap gesture that opens the PIN pad
    window.py        ServiceWindow: PIN pad, then Devices, Cash, Outbox, Health, Terminal pages
    pin_page.py, devices_page.py, cash_page.py, outbox_page.py, health_page.py,
    terminal_page.py the pages
    tasks.py         TaskRunner: backend calls on worker threads, results on the UI thread
    common.py        the page frame and text helpers
"""
