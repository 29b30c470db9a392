"""The stdin console of ``kiosk emulate ccnet``: one control command per line (``help``)."""

from __future__ import annotations

from drivers.ccnet.emulator import BillValidatorEmulator
from drivers.ccnet.messages import RejectReason
from drivers.console import LINE_COMMANDS, apply_line_command, serve_console

__all__ = ["COMMANDS", "apply", "run"]

COMMANDS = {
    "insert AMOUNT": "insert a bill of AMOUNT lei (e.g. insert 100); unknown amounts are rejected",
    "insert type N": "insert bill type N of the bill table",
    "reject [CODE]": "reject the next bill with reason CODE (hex, default 66 verification)",
    "jam [cassette]": "jam a bill in the validator (or in the cassette)",
    "fail CODE": "report FAILURE with code CODE (hex, e.g. 50)",
    "clear": "clear a jam or failure",
    "cheat": "report a cheating attempt",
    "cassette remove|insert|full|empty": "remove, re-insert (emptied), fill or empty the cassette",
    "power cycle [stacker|validator|none]": "cut and restore power (with a bill where)",
    "corrupt [N]": "corrupt the CRC of the next N replies",
    "silent": "answer nothing",
    "answer": "answer again",
    "unplug": "pull the cable (the port disappears)",
    "replug": "put the cable back",
    "status": "print the emulated state",
    "help": "list these commands",
}


def apply(emulator: BillValidatorEmulator, line: str) -> str:
    words = line.split()
    if not words:
        return ""
    cmd, args = words[0].lower(), words[1:]
    try:
        if cmd == "insert" and args[:1] == ["type"]:
            emulator.insert_bill_type(int(args[1]))
        elif cmd == "insert":
            lei = args[0].replace(",", ".")
            whole, _, frac = lei.partition(".")
            emulator.insert_bill(int(whole) * 100 + int((frac or "0").ljust(2, "0")[:2]))
        elif cmd == "reject":
            emulator.reject_next(int(args[0], 16) if args else RejectReason.VERIFICATION)
        elif cmd == "jam":
            emulator.jam(in_cassette=args[:1] == ["cassette"])
        elif cmd == "fail":
            emulator.fail(int(args[0], 16))
        elif cmd in ("clear", "unjam"):
            emulator.clear_fault()
        elif cmd == "cheat":
            emulator.cheat()
        elif cmd == "cassette":
            action = args[0]
            if action == "remove":
                emulator.cassette_remove()
            elif action == "insert":
                emulator.cassette_insert()
            elif action in ("full", "empty"):
                emulator.set_cassette_full(action == "full")
            else:
                return f"unknown cassette action {action!r}"
        elif cmd == "power":
            where = args[1] if len(args) > 1 else "auto"
            emulator.power_cycle(None if where == "none" else where)
        elif cmd in LINE_COMMANDS:
            return apply_line_command(emulator, cmd, args)
        elif cmd == "status":
            s = emulator.poll_status()
            return (
                f"mode={emulator.mode} state={s.encode().hex()} stacked={len(emulator.stacked)}"
                f" total_bani={sum(emulator.stacked)} cassette={len(emulator.cassette)}"
            )
        elif cmd == "help":
            return "\n".join(f"{k:40} {v}" for k, v in COMMANDS.items())
        else:
            return f"unknown command {cmd!r} (try help)"
    except (IndexError, ValueError):
        return f"bad arguments for {cmd!r} (try help)"
    return "ok"


def run(emulator: BillValidatorEmulator) -> int:
    """Print the port (first line, flushed), serve, obey stdin until EOF or SIGTERM."""

    return serve_console(emulator, apply)
