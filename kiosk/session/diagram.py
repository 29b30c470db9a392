"""Draw the payer's screen flow from the transition table (as h11's make-state-diagrams).

``python -m kiosk.session.diagram [--mermaid] > flow.dot`` prints Graphviz DOT (or Mermaid).
Solid edges are the table's (payer intents and runtime answers); dashed edges are timeouts;
dotted edges are money and device news handled in every phase (``machine.GLOBAL_EDGES``).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict

from kiosk.session.machine import GLOBAL_EDGES, TABLE, TIMEOUT_EDGES
from kiosk.session.states import Phase

__all__ = ["edges", "to_dot", "to_mermaid", "main"]


def edges() -> list[tuple[str, str, str, str]]:
    """(from, to, label, style) for every possible move; ``style``: table | timeout | global."""
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for phase, row in TABLE.items():
        for event, transition in row.items():
            for target in sorted(transition.targets):
                grouped[(phase.value, target.value, "table")].append(event.__name__)
    out = [
        (a, b, ", ".join(sorted(set(labels))), style) for (a, b, style), labels in grouped.items()
    ]
    for phase, targets in TIMEOUT_EDGES.items():
        for target in sorted(targets):
            if target != phase:
                out.append((phase.value, target.value, "timeout", "timeout"))
    for phase, targets in GLOBAL_EDGES.items():
        for target in sorted(targets):
            if target != phase:
                out.append((phase.value, target.value, "money/device", "global"))
    return sorted(out)


_DOT_STYLE = {"table": "solid", "timeout": "dashed", "global": "dotted"}


def to_dot() -> str:
    lines = ["digraph session {", "  rankdir=TB;", "  node [shape=box, style=rounded];"]
    for phase in Phase:
        lines.append(f'  "{phase.value}";')
    for a, b, label, style in edges():
        lines.append(f'  "{a}" -> "{b}" [label="{label}", style={_DOT_STYLE[style]}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid() -> str:
    arrows = {"table": "-->", "timeout": "-.->", "global": "-.->"}
    lines = ["stateDiagram-v2"]
    for a, b, label, style in edges():
        lines.append(f"  {a} {arrows[style].replace('.', '')} {b}: {label}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mermaid", action="store_true", help="Mermaid instead of Graphviz DOT")
    args = parser.parse_args(argv)
    sys.stdout.write(to_mermaid() if args.mermaid else to_dot())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
