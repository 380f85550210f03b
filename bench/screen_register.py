#!/usr/bin/env python3
"""Screening over the register in the database (issue 10) against the same files through --input.

Prepares once (not timed), under --data:
  - a register of N households with `doudi generate` (about 3.76 members each, villages of 耒阳市);
  - the five department feeds for those people (medical bills, unemployment, disaster, death, disability),
    drawn with a fixed seed at rates like `doudi generate --feeds`;
  - the register imported with `doudi import` into a SQLite file and, with --postgres URL, into a
    PostgreSQL database (kept as a template).
Then RUNS times each, alternating, every run a process of its own under /usr/bin/time, the CSV files read
once just before (not timed) so that each starts with them in the page cache:
  - files:    `doudi screen --input DIR` (the register's two files and the feeds: no database);
  - sqlite:   `doudi screen --feeds DIR --database COPY` on a fresh copy of the imported file (the copy is not
    timed): reading the register, the engine, the leads and their audit entries, commit;
  - postgres: the same on a database made from the template (CREATE DATABASE … TEMPLATE, not timed).
Checks that every run flags the same households and that the database runs made one lead per household.
Prints each run, the medians, and the ratios to the file run.

Usage: bench/screen_register.py [--households N] [--runs R] [--bin PATH] [--postgres URL]
Binary: swift build -c release --scratch-path .build-release --product doudi
"""
import argparse, csv, os, random, shutil, statistics, subprocess, sys, urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument("--households", type=int, default=1_000_000)
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--bin", default=".build-release/release/doudi")
ap.add_argument("--data", default="bench-data/register")
ap.add_argument("--postgres", help="postgres:// URL of a server where databases may be created")
a = ap.parse_args()
AS_OF = "2025-12-31"
data = os.path.abspath(f"{a.data}-{a.households}")
binary = os.path.abspath(a.bin)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr[-3000:]}")
    return r


def feeds(folder):
    """The five feeds for the people of members.csv, deterministic."""
    g = random.Random(10)
    days = [f"2025-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)] + [f"2024-{m:02d}-15" for m in range(1, 13)]
    households = {}
    with open(os.path.join(folder, "members.csv"), encoding="utf-8") as f:
        r = csv.reader(f)
        next(r)
        for row in r:
            households.setdefault(row[1], []).append(row[0])
    out = {n: open(os.path.join(folder, n + ".csv"), "w", encoding="utf-8") for n in ("medical", "unemployment", "disaster", "death", "disability")}
    out["medical"].write("resident_id,date,total_cost,out_of_pocket\n")
    out["unemployment"].write("resident_id,date\n")
    out["disaster"].write("resident_id,date,loss\n")
    out["death"].write("resident_id,date\n")
    out["disability"].write("resident_id,date,grade\n")
    for ids in households.values():
        for _ in range(g.randrange(0, 9)):
            total = g.randint(50, 200_000 if g.randrange(50) == 0 else 5_000)
            out["medical"].write(f"{g.choice(ids)},{g.choice(days)},{total},{total * g.randint(10, 60) // 100}\n")
        if g.randrange(100) < 6: out["unemployment"].write(f"{g.choice(ids)},{g.choice(days)}\n")
        if g.randrange(100) < 1: out["disaster"].write(f"{ids[0]},{g.choice(days)},{g.randint(500, 60_000)}\n")
        if g.randrange(200) < 1: out["death"].write(f"{g.choice(ids)},{g.choice(days)}\n")
        if g.randrange(200) < 1: out["disability"].write(f"{g.choice(ids)},{g.choice(days)},{g.randint(1, 4)}\n")
    for f in out.values(): f.close()


def psql(url, sql):
    run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql])


def database_url(url, name):
    u = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, u.query, u.fragment))


def timed(cmd):
    r = run(["/usr/bin/time", "-f", "%e %M"] + cmd)
    wall, kb = r.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb) / 1024, r.stderr


os.makedirs(data, exist_ok=True)
if not os.path.exists(os.path.join(data, "members.csv")):
    run([binary, "generate", "--households", str(a.households), "--out", data])
if not os.path.exists(os.path.join(data, "disability.csv")):
    feeds(data)
base = os.path.join(data, "base.sqlite")
if not os.path.exists(base):
    run([binary, "import", "--database", base, "--households", f"{data}/households.csv", "--members", f"{data}/members.csv"])
if a.postgres:
    psql(a.postgres, "DROP DATABASE IF EXISTS screen_base")
    psql(a.postgres, "CREATE DATABASE screen_base")
    run([binary, "import", "--database", database_url(a.postgres, "screen_base"), "--households", f"{data}/households.csv", "--members", f"{data}/members.csv"])
    # What autovacuum does soon after a bulk load; without it the first read sets every row's hint bits.
    psql(database_url(a.postgres, "screen_base"), "VACUUM ANALYZE")

contenders = ["files", "sqlite"] + (["postgres"] if a.postgres else [])
times = {c: [] for c in contenders}
outputs = {}
for i in range(a.runs):
    for c in contenders:
        out = os.path.join(data, f"flagged-{c}.csv")
        # The spec's parameters for all: --feeds would otherwise take the policy in force (a higher line).
        cmd = [binary, "screen", "--as-of", AS_OF, "--out", out, "--monitoring-line", "7100", "--medical-threshold", "10000", "--disaster-threshold", "10000"]
        if c == "files":
            cmd += ["--input", data]
        elif c == "sqlite":
            copy = os.path.join(data, "run.sqlite")
            for s in ("", "-wal", "-shm"):
                if os.path.exists(copy + s): os.remove(copy + s)
            shutil.copyfile(base, copy)
            if os.path.exists(base + ".key"):  # the sealed fields' keys go with the copy (mode 0600 kept)
                shutil.copy2(base + ".key", copy + ".key")
            cmd += ["--feeds", data, "--database", copy]
        else:
            psql(a.postgres, "DROP DATABASE IF EXISTS screen_run")
            psql(a.postgres, "CREATE DATABASE screen_run TEMPLATE screen_base")
            cmd += ["--feeds", data, "--database", database_url(a.postgres, "screen_run")]
        # Copying a database pushes the CSV files out of the page cache: every contender starts with them read.
        for name in ("households", "members", "medical", "unemployment", "disaster", "death", "disability"):
            with open(os.path.join(data, name + ".csv"), "rb") as f:
                while f.read(1 << 24): pass
        wall, mb, err = timed(cmd)
        times[c].append(wall)
        with open(out, encoding="utf-8") as f:
            outputs[c] = f.read()
        leads = next((l for l in err.splitlines() if "created" in l), "")
        print(f"run {i + 1} {c:8s} {wall:7.2f} s {mb:7.0f} MB  {leads}", flush=True)
listed = outputs["files"].count("\n") - 1
for c in contenders:
    if outputs[c] != outputs["files"]:
        sys.exit(f"{c} flagged other households than the file run")
print(f"\n{a.households} households, {listed} flagged; medians of {a.runs} runs:")
ref = statistics.median(times["files"])
for c in contenders:
    m = statistics.median(times[c])
    print(f"  {c:8s} {m:7.2f} s  {m / ref:5.2f}x the file run")
