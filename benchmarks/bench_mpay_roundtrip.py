"""The kiosk's signed GetOrderDetails round trip against a raw POST of a ready envelope.

Both go to the same MPay sandbox (started here in its own process, on loopback, verifying the
request signature and signing its reply) in the same run, interleaved in rounds so drift hits
both equally:

* ``kiosk``: ``MpayClient.get_order_details`` = build (zeep) + sign (xmlsec) + POST + parse +
  verify the reply signature + normalize + zeep read + map to dataclasses;
* ``raw``: ``http.client`` POST of an already-signed envelope over a kept-alive connection,
  reading the whole reply (the server does the same work as for the kiosk's call).

The ratio of medians is the price of our SOAP/WS-Security stack on top of the network and the
server (target: at most 3x). Usage::

    .venv/bin/python benchmarks/bench_mpay_roundtrip.py [--calls 400] [--rounds 10] [--json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit

from kiosk.mpay.client import SOAP_ACTIONS, MpayClient
from kiosk.mpay.mapping import query_params
from kiosk.mpay.sandbox import demo_cert
from kiosk.mpay.settings import MpaySettings

SERVICE, KEY = "MDS02", "MDS02250710092629689"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400, help="calls of each kind (default 400)")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds (default 10)")
    parser.add_argument("--json", action="store_true", help="print only a JSON summary")
    args = parser.parse_args()

    server = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "sandbox", "mpay"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        settings = MpaySettings(
            endpoint=url,
            sign_cert=demo_cert("terminal.crt"),
            sign_key=demo_cert("terminal.key"),
            mpay_cert=demo_cert("mpay.crt"),
            timeout_s=10,
        )
        client = MpayClient(settings)
        signed = client.build_request("GetOrderDetails", query_params(SERVICE, KEY, "ro"))
        parts = urlsplit(url)
        raw = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{SOAP_ACTIONS["GetOrderDetails"]}"',
        }

        def kiosk_call() -> None:
            orders = client.get_order_details(SERVICE, KEY, "ro")
            assert orders and orders[0].order_key == KEY

        def raw_call() -> None:
            raw.request("POST", parts.path, body=signed, headers=headers)
            reply = raw.getresponse()
            body = reply.read()
            assert reply.status == 200 and KEY.encode() in body

        for _ in range(30):  # warm-up: connections, caches, allocator
            kiosk_call()
            raw_call()
        per_round = max(1, args.calls // args.rounds)
        times: dict[str, list[float]] = {"kiosk": [], "raw": []}
        for _ in range(args.rounds):
            for name, fn in (("kiosk", kiosk_call), ("raw", raw_call)):
                for _ in range(per_round):
                    t0 = time.perf_counter()
                    fn()
                    times[name].append((time.perf_counter() - t0) * 1000)
        build = []
        for _ in range(per_round):
            t0 = time.perf_counter()
            client.build_request("GetOrderDetails", query_params(SERVICE, KEY, "ro"))
            build.append((time.perf_counter() - t0) * 1000)
        raw.close()
        client.close()
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.terminate()
        server.wait(timeout=10)

    summary = {
        name: {
            "median_ms": round(statistics.median(v), 3),
            "p95_ms": round(_pct(v, 0.95), 3),
            "n": len(v),
        }
        for name, v in times.items()
    }
    summary["build_sign"] = {
        "median_ms": round(statistics.median(build), 3),
        "p95_ms": round(_pct(build, 0.95), 3),
        "n": len(build),
    }
    ratio = statistics.median(times["kiosk"]) / statistics.median(times["raw"])
    result = {
        "roundtrip": summary,
        "ratio_median": round(ratio, 2),
        "target_max_ratio": 3.0,
        "ok": ratio <= 3.0,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{'':28} {'median ms':>10} {'p95 ms':>10} {'n':>6}")
        labels = {
            "kiosk": "kiosk signed GetOrderDetails",
            "raw": "raw POST of signed envelope",
            "build_sign": "  of which build+sign",
        }
        for name in ("kiosk", "raw", "build_sign"):
            s = summary[name]
            print(f"{labels[name]:28} {s['median_ms']:>10.3f} {s['p95_ms']:>10.3f} {s['n']:>6}")
        print(f"ratio (medians): {ratio:.2f}x  (target <= 3x: {'OK' if ratio <= 3 else 'MISSED'})")
        print(json.dumps(result))
    return 0 if ratio <= 3.0 else 1


if __name__ == "__main__":
    sys.exit(main())
