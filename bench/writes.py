#!/usr/bin/env python3
"""Write throughput on SQLite (issue 9): public self-reports sent by 1, 4, 16 and 64 parallel clients.

For each number of clients, RUNS times, interleaved: a new SQLite database, `doudi serve` on it (release
build, started with --trusted-proxy 127.0.0.1 so that each request's X-Forwarded-For address counts and no
rate limit applies), then the clients post valid self-reports, each about a person of its own and from an
address of its own, on keep-alive connections for SECONDS. Counted: answers of 201 per second, the slowest
and the 99th-percentile wait, answers that were not 201 (500s included), and requests with no answer after
20 s. Prints each run and, per number of clients, the medians. With one writer at a time, 64 clients should
write no less than one does.

Usage: bench/writes.py [--bin PATH] [--clients 1,4,16,64] [--seconds S] [--runs R]
Default binary: .build-release/release/doudi, built with
  swift build -c release --scratch-path .build-release --product doudi
"""
import argparse, http.client, json, os, shutil, signal, statistics, subprocess, sys, tempfile, threading, time

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def resident_id(client, n):
    """A valid resident ID of 430481, unique per (client, n): born 1950-2049 minus, serial from n."""
    day = n % 28 + 1
    month = (n // 28) % 12 + 1
    year = 1950 + (n // 336) % 60
    serial = 100 + client * 10 + (n // 20160) % 10
    body = f"430481{year:04d}{month:02d}{day:02d}{serial:03d}"
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def client(index, port, stop, out):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    waits, others, timeouts, n = [], 0, 0, 0
    while not stop.is_set():
        body = json.dumps({"name": "压测", "residentId": resident_id(index, n), "mobile": "139%04d%04d" % (index, n % 10000),
                           "regionCode": "430481001001", "riskKinds": ["illness"], "description": "", "consent": True})
        headers = {"Content-Type": "application/json", "X-Forwarded-For": f"10.{index}.{n // 250 % 250}.{n % 250}"}
        n += 1
        t = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/public/self-reports", body, headers)
            r = conn.getresponse()
            r.read()
            if r.status == 201: waits.append(time.perf_counter() - t)
            else: others += 1
        except (TimeoutError, OSError, http.client.HTTPException):
            timeouts += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    out[index] = (waits, others, timeouts)


def run(bin, clients, seconds, port):
    work = tempfile.mkdtemp(prefix="doudi-writes-")
    server = subprocess.Popen([bin, "serve", "--database", os.path.join(work, "w.sqlite"), "--port", str(port), "--trusted-proxy", "127.0.0.1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2); c.request("GET", "/healthz")
                if c.getresponse().status == 200: break
            except OSError: pass
            time.sleep(0.1)
        stop, out = threading.Event(), {}
        threads = [threading.Thread(target=client, args=(i, port, stop, out)) for i in range(clients)]
        t0 = time.perf_counter()
        for t in threads: t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads: t.join()
        elapsed = time.perf_counter() - t0
        waits = sorted(w for ws, _, _ in out.values() for w in ws)
        others = sum(o for _, o, _ in out.values())
        timeouts = sum(t for _, _, t in out.values())
        p99 = waits[int(len(waits) * 0.99) - 1] if waits else float("nan")
        return {"ok_per_s": len(waits) / elapsed, "p99_ms": p99 * 1000, "max_ms": (waits[-1] * 1000 if waits else float("nan")),
                "not_201": others, "timeouts": timeouts}
    finally:
        server.send_signal(signal.SIGTERM)
        try: server.wait(timeout=30)
        except subprocess.TimeoutExpired: server.kill()
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build-release/release/doudi")
    ap.add_argument("--clients", default="1,4,16,64")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--port", type=int, default=18090)
    a = ap.parse_args()
    counts = [int(c) for c in a.clients.split(",")]
    results = {c: [] for c in counts}
    for r in range(a.runs):
        for c in counts:
            res = run(os.path.abspath(a.bin), c, a.seconds, a.port)
            results[c].append(res)
            print(f"run {r + 1} clients {c:3d}: {res['ok_per_s']:8.1f} writes/s  p99 {res['p99_ms']:8.1f} ms  max {res['max_ms']:8.1f} ms"
                  f"  not 201: {res['not_201']}  no answer: {res['timeouts']}", flush=True)
    print("\nclients  median writes/s  median p99 ms  worst max ms  not 201  no answer")
    for c in counts:
        rs = results[c]
        print(f"{c:7d}  {statistics.median(x['ok_per_s'] for x in rs):15.1f}  {statistics.median(x['p99_ms'] for x in rs):13.1f}"
              f"  {max(x['max_ms'] for x in rs):12.1f}  {sum(x['not_201'] for x in rs):7d}  {sum(x['timeouts'] for x in rs):9d}")


if __name__ == "__main__":
    main()
