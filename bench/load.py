#!/usr/bin/env python3
"""Load from a second process on 127.0.0.1 with wrk (issue 11, item 8).

1. Self-reports with durable writes against a route that does no work (/livez): the same wrk, the same
   clients and seconds; the self-report's rate as a share of the no-op's, and its 99th percentile.
2. Register search at N households (default 1,000,000): by a member's name, by resident ID, by village, by part
   of a name or of a household number, a village narrowed by 低保, as a
   county officer, CLIENTS concurrent clients; the 99th percentile of each.
Each on SQLite and, with --postgres URL, on PostgreSQL; RUNS runs each, medians printed.

Usage: bench/load.py [--bin PATH] [--households N] [--clients 64] [--seconds 10] [--runs 3] [--postgres URL] [--only writes|search]
                    [--work DIR] [--kinds residentId,village,name,namePart,numberPart,villageDibao,county,countyFacets]
Needs wrk (Debian: apt-get install wrk) and a release build:
  swift build -c release --scratch-path .build-release --product doudi
"""
import argparse, csv, json, os, random, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

here = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("--bin", default=os.path.join(here, "..", ".build-release", "release", "doudi"))
p.add_argument("--households", type=int, default=1_000_000)
p.add_argument("--clients", type=int, default=64)
p.add_argument("--seconds", type=int, default=10)
p.add_argument("--runs", type=int, default=3)
p.add_argument("--postgres", default="")
p.add_argument("--only", choices=["writes", "search"], default=None)
p.add_argument("--work", default="", help="keep generated data here between invocations")
p.add_argument("--backends", default="sqlite,postgres", help="which of sqlite,postgres (postgres only with --postgres)")
p.add_argument("--kinds", default="residentId,village,name,namePart,numberPart,villageDibao,county,countyFacets", help="which searches, comma-separated")
args = p.parse_args()
work = args.work or tempfile.mkdtemp(prefix="doudi-load-")
os.makedirs(work, exist_ok=True)
port = random.randint(30000, 39000)
base = f"http://127.0.0.1:{port}"


def serve(database, demo=False):
    cmd = [args.bin, "serve", "--database", database, "--port", str(port), "--trusted-proxy", "127.0.0.1"]
    if demo:
        cmd += ["--demo", "--demo-households", "2000"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("the server did not start")


def stop(proc):
    proc.terminate()
    proc.wait()


def token(user):
    req = urllib.request.Request(base + "/api/v1/auth/token", data=json.dumps({"username": user, "password": "doudi-demo-2026"}).encode(),
                                 headers={"content-type": "application/json"})
    return json.load(urllib.request.urlopen(req))["token"]


def wrk(script, path, *extra):
    out = subprocess.run(["wrk", "-t2", f"-c{args.clients}", f"-d{args.seconds}s", "--timeout", "10s", "-s", os.path.join(here, "wrk", script),
                          base + path, "--", *extra], capture_output=True, text=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT "))
    r = json.loads(line[7:])
    r["rate"] = r["requests"] / r["seconds"]
    return r


def fresh(kind, name):
    """A new SQLite file, or a new PostgreSQL database on the server of --postgres."""
    if kind == "sqlite":
        path = os.path.join(work, name + ".sqlite")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return path
    db = f"doudi_load_{name}"
    subprocess.run(["psql", "-q", args.postgres, "-c", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", "-c", f"CREATE DATABASE {db}"], check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))
    return args.postgres.rsplit("/", 1)[0] + "/" + db + "?" + args.postgres.split("?", 1)[1]


backends = [b for b in args.backends.split(",") if b == "sqlite" or (b == "postgres" and args.postgres)]
med = lambda xs: statistics.median(xs)

if args.only in (None, "writes"):
    for kind in backends:
        noop, writes = [], []
        for run in range(args.runs):
            server = serve(fresh(kind, f"writes{run}"), demo=True)
            try:
                noop.append(wrk("paths.lua", "/livez", os.path.join(here, "wrk", "livez.txt"), ""))
                writes.append(wrk("selfreport.lua", "/api/v1/public/self-reports"))
            finally:
                stop(server)
            print(f"{kind} run {run + 1}: no-op {noop[-1]['rate']:.0f}/s p99 {noop[-1]['p99ms']:.2f} ms; "
                  f"self-reports {writes[-1]['rate']:.0f}/s p99 {writes[-1]['p99ms']:.2f} ms max {writes[-1]['maxms']:.1f} ms "
                  f"non-2xx {writes[-1]['non2xx']} errors {writes[-1]['errors']}", flush=True)
        n, w = med([r["rate"] for r in noop]), med([r["rate"] for r in writes])
        print(f"{kind} medians: no-op {n:.0f}/s, self-reports {w:.0f}/s = {100 * w / n:.1f}% (target 30%), "
              f"self-report p99 {med([r['p99ms'] for r in writes]):.2f} ms (target < 50 ms)", flush=True)

if args.only in (None, "search"):
    data = os.path.join(work, f"register-{args.households}")
    if not os.path.exists(os.path.join(data, "members.csv")):
        subprocess.run([args.bin, "generate", "--households", str(args.households), "--out", data], check=True, stdout=subprocess.DEVNULL)
    # Queries a county officer would type: names of members, resident IDs, villages; drawn from the register.
    names, ids, villages, numbers = [], [], set(), []
    with open(os.path.join(data, "members.csv"), newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if i % 997 == 0:
                names.append(row.get("name", ""))
                ids.append(row["resident_id"])
            if len(ids) >= 1000:
                break
    with open(os.path.join(data, "households.csv"), newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            villages.add(row["region_code"])
            if i % 997 == 0:
                numbers.append(row["household_id"])
            if i > 200_000:
                break
    from urllib.parse import quote
    queries = {"name": [f"/api/v1/households?q={quote(n)}" for n in names if n],
               "residentId": [f"/api/v1/households?residentId={r}" for r in ids],
               "village": [f"/api/v1/households?regionCode={v}" for v in sorted(villages)],
               # Part of a name (the given name: one or two characters from inside the name) and the end of a
               # household number (its last seven characters, the serial); a village's list narrowed by 低保, in number order.
               "namePart": [f"/api/v1/households?q={quote(n[1:])}" for n in names if len(n) >= 2],
               "numberPart": [f"/api/v1/households?q={n[-7:]}" for n in numbers],
               "villageDibao": [f"/api/v1/households?regionCode={v}&dibao=true&order=number" for v in sorted(villages)],
               # The officer's whole county, last changed first, paged through; and narrowed by 低保 or 建档立卡, or in number order.
               "county": [f"/api/v1/households?offset={50 * i}" for i in range(10)],
               "countyFacets": [f"/api/v1/households?{f}&offset={50 * i}" for i in range(5)
                                for f in ("dibao=true", "dibao=false", "povertyStatus=notExited", "povertyStatus=exited", "order=number")]}
    for k, qs in queries.items():
        with open(os.path.join(work, f"{k}.txt"), "w") as f:
            f.write("\n".join(qs) + "\n")
    for kind in backends:
        # Imported once per --work folder and kept: the marker says the import finished.
        marker = os.path.join(work, f"search-{kind}.done")
        url = args.postgres.rsplit("/", 1)[0] + "/doudi_load_search?" + args.postgres.split("?", 1)[1] if kind == "postgres" else ""
        db = (url if kind == "postgres" else os.path.join(work, "search.sqlite")) if os.path.exists(marker) else fresh(kind, "search")
        if not os.path.exists(marker):
            t = time.time()
            subprocess.run([args.bin, "import", "--database", db, "--households", os.path.join(data, "households.csv"),
                            "--members", os.path.join(data, "members.csv")], check=True, stdout=subprocess.DEVNULL)
            subprocess.run([args.bin, "user", "add", "--database", db, "--username", "county", "--password", "doudi-demo-2026",
                            "--role", "countyOfficer", "--region", "430481000000"], check=True, stdout=subprocess.DEVNULL)
            open(marker, "w").close()
            print(f"{kind}: {args.households} households imported in {time.time() - t:.0f} s", flush=True)
        # A server of its own for each kind of query: a slow kind's requests still running after wrk stops
        # would otherwise be counted against the next.
        kinds = [k for k in args.kinds.split(",") if k in queries]
        results = {k: [] for k in kinds}
        for k in kinds:
            server = serve(db)
            try:
                tok = token("county")
                for run in range(args.runs):
                    results[k].append(wrk("paths.lua", "/", os.path.join(work, f"{k}.txt"), tok))
                    r = results[k][-1]
                    print(f"{kind} by {k} run {run + 1}: {r['rate']:.0f}/s p50 {r['p50ms']:.1f} ms p99 {r['p99ms']:.1f} ms "
                          f"non-2xx {r['non2xx']} errors (timeouts included) {r['errors']}", flush=True)
            finally:
                stop(server)
        print(f"{kind} medians at {args.households} households, {args.clients} clients: " +
              "; ".join(f"by {k} p99 {med([r['p99ms'] for r in results[k]]):.1f} ms ({med([r['rate'] for r in results[k]]):.0f}/s)" for k in results)
              + " (target p99 < 60 ms)", flush=True)
if not args.work:
    shutil.rmtree(work, ignore_errors=True)
