#!/usr/bin/env python3
"""What the database alone gives for the register searches of bench/load.py, with no Doudi in front of it.

The same SQL as Doudi's search (Sources/DoudiStore/Registry/HouseholdSearch.swift: a page of 50 and its count),
the same villages and names load.py drew, on the register load.py imported into --work:
- PostgreSQL: pgbench (from Debian's postgresql-client) with as many connections as Doudi's pool (8), each
  running the queries back to back: the most pages per second the database gives here.
- SQLite: one Python process per core running the queries back to back: the same for the SQL alone.
Either way, --clients clients that each wait for their answer before asking again then wait at least
clients / that rate on average (Little's law), before any HTTP, JSON or Doudi work on the same cores.

Usage: bench/floor.py --work /tmp/load [--postgres URL] [--clients 64] [--seconds 10]
(run bench/load.py --only search --work /tmp/load [--postgres URL] first: it generates and imports the register)
"""
import argparse, multiprocessing, os, sqlite3, subprocess, tempfile, time, urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--work", required=True)
p.add_argument("--postgres", default="", help="the server URL given to load.py; its doudi_load_search database is used")
p.add_argument("--clients", type=int, default=64)
p.add_argument("--seconds", type=int, default=10)
p.add_argument("--connections", type=int, default=8, help="pgbench's connections: Doudi's pool (Database.open)")
args = p.parse_args()

villages = [l.strip().split("regionCode=")[1] for l in open(os.path.join(args.work, "village.txt")) if l.strip()]
names = [urllib.parse.unquote(l.strip().split("q=")[1]) for l in open(os.path.join(args.work, "name.txt")) if l.strip()]
upper = lambda s: s[:-1] + chr(ord(s[-1]) + 1)  # HouseholdStore.prefixRange for the names drawn (no U+10FFFF)
county = "BETWEEN 430481000000 AND 430481999999"  # the county officer's subtree
columns = ("h.id, h.region, h.poverty_status, h.dibao, "
           "(SELECT name FROM members m WHERE m.household_id = h.id AND m.relation = 'head' LIMIT 1) AS head_name, "
           "(SELECT resident_sealed FROM members m WHERE m.household_id = h.id AND m.relation = 'head' LIMIT 1) AS head_resident_id, "
           "(SELECT COUNT(*) FROM members m WHERE m.household_id = h.id) AS member_count")


# Every API request first finds its session (UserStore.session): a token of the county officer's, made by load.py.
session = ("SELECT u.id, u.username, u.password_hash, u.role, u.region, u.active, s.csrf, s.last_seen "
           "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = {token} AND s.kind = 'api' "
           "AND s.expires_at > 0 AND s.last_seen > 0")


def queries(village, lo, hi, rid, postgres=False):
    """The village page and its count; the name's endings, their count and the page (HouseholdStore.byName: the
    first 2 * 50 + 64 endings in index order, the households counted up to 1,000, the page's 50 summed up)."""
    found = (f"SELECT np.household_id AS id FROM name_parts np WHERE np.region {county} "
             f"AND np.part >= {lo} AND np.part < {hi}")
    count = (f"SELECT COUNT(*) AS e, COUNT(DISTINCT d.id COLLATE \"C\") AS n FROM ({found} LIMIT 2002) d" if postgres
             else f"SELECT 0 AS e, COUNT(*) AS n FROM (SELECT DISTINCT d.id FROM ({found}) d LIMIT 1001) c")
    return {"residentId": [f"SELECT {columns} FROM households h WHERE h.region {county} AND h.id IN (SELECT household_id FROM members "
                           f"WHERE resident_index = {rid}) ORDER BY h.updated_at DESC, h.id LIMIT 50 OFFSET 0"],  # a page not full: no count
            "village": [f"SELECT {columns} FROM (SELECT h.id AS pid FROM households h WHERE h.region {county} AND h.region = {village} "
                        "ORDER BY h.updated_at DESC, h.id LIMIT 50 OFFSET 0) p JOIN households h ON h.id = p.pid ORDER BY h.updated_at DESC, h.id",
                        f"SELECT COUNT(*) AS n FROM households h WHERE h.region {county} AND h.region = {village}"],
            # pgbench cannot keep the first 50 households of the endings read in Swift: the same set in SQL.
            "name": [f"{found} ORDER BY np.part, np.member_id LIMIT 164 OFFSET 0", count,
                     f"SELECT {columns} FROM households h WHERE h.id IN (SELECT DISTINCT x.id FROM ({found} ORDER BY np.part, "
                     "np.member_id LIMIT 164) x LIMIT 50)"]}


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))]


def sqlite_worker(kind, seconds, out):
    db = sqlite3.connect(os.path.join(args.work, "search.sqlite"))
    db.execute("PRAGMA cache_size=-65536")  # Doudi's page cache per connection, and its map of the file
    db.execute("PRAGMA mmap_size=2147418112")
    token = db.execute("SELECT token_hash FROM sessions WHERE kind = 'api' ORDER BY created_at DESC LIMIT 1").fetchone()[0]
    qs, n, end, i = queries("?", "?", "?", "?")[kind], 0, time.time() + seconds, os.getpid()
    check = session.format(token="?")
    rids = [r[0] for r in db.execute("SELECT resident_index FROM members WHERE rowid % 997 = 0 LIMIT 1000")]
    while time.time() < end:
        i += 1
        db.execute(check, (token,)).fetchall()
        if kind == "residentId":
            for q in qs: db.execute(q, (rids[i % len(rids)],)).fetchall()
        elif kind == "village":
            v = int(villages[i % len(villages)])
            for q in qs: db.execute(q, (v,)).fetchall()
        else:
            lo = names[i % len(names)]
            ends = db.execute(qs[0], (lo, upper(lo))).fetchall()
            ids = list(dict.fromkeys(r[0] for r in ends))[:50]
            if len(ends) == 164: db.execute(qs[1], (lo, upper(lo))).fetchall()  # the index did not run out: counted
            if ids: db.execute(f"SELECT {columns} FROM households h WHERE h.id IN ({','.join('?' * len(ids))})", ids).fetchall()
        n += 1
    out.put(n)


if os.path.exists(os.path.join(args.work, "search.sqlite")):
    cores = os.cpu_count() or 1
    for kind in ("residentId", "village", "name"):
        out = multiprocessing.Queue()
        procs = [multiprocessing.Process(target=sqlite_worker, args=(kind, args.seconds, out)) for _ in range(cores)]
        for pr in procs: pr.start()
        total = sum(out.get() for _ in procs)
        for pr in procs: pr.join()
        rate = total / args.seconds
        print(f"sqlite {kind}: {rate:.0f} pages/s with {cores} processes (the SQL alone); "
              f"{args.clients} clients wait at least {1000 * args.clients / rate:.1f} ms on average", flush=True)

if args.postgres:
    url = args.postgres.rsplit("/", 1)[0] + "/doudi_load_search?" + args.postgres.split("?", 1)[1]
    with tempfile.TemporaryDirectory() as tmp:
        # The villages and names in tables of their own, so that pgbench can draw them at random.
        setup = os.path.join(tmp, "setup.sql")
        with open(setup, "w") as f:
            f.write("DROP TABLE IF EXISTS bench_villages, bench_names, bench_rids;\n"
                    "CREATE TABLE bench_rids AS SELECT row_number() OVER () AS i, resident_index AS r FROM (SELECT resident_index FROM members "
                    "TABLESAMPLE SYSTEM (1) LIMIT 1000) x;\n"
                    "CREATE TABLE bench_villages (i int PRIMARY KEY, code bigint);\n"
                    "CREATE TABLE bench_names (i int PRIMARY KEY, lo text, hi text);\n")
            f.write("INSERT INTO bench_villages VALUES " + ",".join(f"({i + 1},{c})" for i, c in enumerate(villages)) + ";\n")
            f.write("INSERT INTO bench_names VALUES " + ",".join(f"({i + 1},'{x}','{upper(x)}')" for i, x in enumerate(names)) + ";\n")
        subprocess.run(["psql", "-q", url, "-f", setup], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        qs = queries(":v", ":lo", ":hi", ":r", postgres=True)
        token = subprocess.run(["psql", "-qAt", url, "-c", "SELECT token_hash FROM sessions WHERE kind = 'api' ORDER BY created_at DESC LIMIT 1"],
                               check=True, capture_output=True, text=True).stdout.strip()
        draws = {"residentId": "\\set i random(1, 1000)\nSELECT r FROM bench_rids WHERE i = :i \\gset\n",
                 "village": f"\\set i random(1, {len(villages)})\nSELECT code AS v FROM bench_villages WHERE i = :i \\gset\n",
                 "name": f"\\set i random(1, {len(names)})\nSELECT lo, hi FROM bench_names WHERE i = :i \\gset\n"}
        for kind in ("residentId", "village", "name"):
            script = os.path.join(tmp, kind + ".pgb")
            with open(script, "w") as f:
                f.write(draws[kind] + session.format(token=f"'{token}'") + ";\n" + "".join(q + ";\n" for q in qs[kind]))
            logs = os.path.join(tmp, "log-" + kind)
            os.mkdir(logs)
            out = subprocess.run(["pgbench", "-n", "-M", "extended", "-c", str(args.connections), "-j", "2", "-T", str(args.seconds),
                                  "-l", "--log-prefix", os.path.join(logs, "t"), "-f", script, url], capture_output=True, text=True)
            lat = [int(line.split()[2]) / 1000 for name in os.listdir(logs) for line in open(os.path.join(logs, name))]
            failed = [l for l in out.stdout.splitlines() + out.stderr.splitlines() if "failed" in l or "error" in l]
            rate = len(lat) / args.seconds
            print(f"postgres {kind}: {rate:.0f} pages/s with {args.connections} connections of pgbench (the database alone; "
                  f"p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms); {args.clients} clients wait at least "
                  f"{1000 * args.clients / rate:.1f} ms on average; {'; '.join(failed)}", flush=True)
        subprocess.run(["psql", "-q", url, "-c", "DROP TABLE bench_villages, bench_names, bench_rids"], check=True, stdout=subprocess.DEVNULL)
