#!/usr/bin/env python3
"""Import benchmark (issue 3): Doudi's `doudi import` against Python's sqlite3.executemany.

Generates 200,000 households (about 950,000 rows with their members) with `doudi generate`, then, RUNS
times each:
  - doudi: a new SQLite database is migrated (not timed), then `doudi import` is timed as a whole process:
    reading both files, every check, the register's indexes, the audit entries, the count check, commit;
  - python: the same rows, already parsed into tuples (not timed), inserted with executemany into two bare
    tables (no index, no check) in one transaction, commit included.
Prints each run, the medians in rows per second, and the ratio doudi / python.

Usage: bench/import.py [--households N] [--runs R] [--bin PATH]
Default binary: .build-release/release/doudi, built with
  swift build -c release --scratch-path .build-release --product doudi
"""
import argparse, csv, os, sqlite3, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--households", type=int, default=200_000)
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--bin", default=".build-release/release/doudi")
ap.add_argument("--data", default="bench-data/import")
a = ap.parse_args()

data = f"{a.data}-{a.households}"
hf, mf = os.path.join(data, "households.csv"), os.path.join(data, "members.csv")
if not os.path.exists(mf):
    subprocess.run([a.bin, "generate", "--households", str(a.households), "--out", data], check=True)

with open(hf, encoding="utf-8") as f:
    households = [tuple(r) for r in list(csv.reader(f))[1:]]
with open(mf, encoding="utf-8") as f:
    members = [tuple(r) for r in list(csv.reader(f))[1:]]
rows = len(households) + len(members)
print(f"{len(households)} households + {len(members)} members = {rows} rows")

tmp = tempfile.mkdtemp(prefix="doudi-bench-")

def doudi_run(i):
    db = os.path.join(tmp, f"d{i}.sqlite")
    subprocess.run([a.bin, "migrate", "--database", db], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = time.perf_counter()
    out = subprocess.run([a.bin, "import", "--database", db, "--households", hf, "--members", mf, "--report", os.path.join(tmp, "r.csv")],
                         check=True, capture_output=True, text=True).stdout
    s = time.perf_counter() - t
    if f"导入{len(households)}户" not in out:
        sys.exit("doudi did not import every household:\n" + out)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix): os.remove(db + suffix)
    return s

def python_run(i, parse=False):
    db = os.path.join(tmp, f"p{i}.sqlite")
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE households (household_id TEXT, region_code TEXT, poverty_status TEXT, dibao TEXT, income_per_capita TEXT)")
    con.execute("CREATE TABLE members (resident_id TEXT, household_id TEXT, relation TEXT, labor_ability TEXT, name TEXT, sex TEXT, phone TEXT)")
    con.commit()
    t = time.perf_counter()
    h, m = households, members
    if parse:  # the same, reading the CSV files with the csv module inside the timing
        with open(hf, encoding="utf-8") as f: h = [tuple(r) for r in list(csv.reader(f))[1:]]
        with open(mf, encoding="utf-8") as f: m = [tuple(r) for r in list(csv.reader(f))[1:]]
    con.executemany("INSERT INTO households VALUES (?,?,?,?,?)", h)
    con.executemany("INSERT INTO members VALUES (?,?,?,?,?,?,?)", m)
    con.commit()
    s = time.perf_counter() - t
    con.close()
    os.remove(db)
    return s

d, p, q = [], [], []
for i in range(a.runs):
    d.append(doudi_run(i)); p.append(python_run(i)); q.append(python_run(i, parse=True))
    print(f"run {i + 1}: doudi {d[-1]:.2f} s ({rows / d[-1]:,.0f} rows/s)   python executemany {p[-1]:.2f} s ({rows / p[-1]:,.0f} rows/s)"
          f"   python csv+executemany {q[-1]:.2f} s ({rows / q[-1]:,.0f} rows/s)")
dm, pm, qm = statistics.median(d), statistics.median(p), statistics.median(q)
print(f"median: doudi {dm:.2f} s = {rows / dm:,.0f} rows/s; python executemany {pm:.2f} s = {rows / pm:,.0f} rows/s; "
      f"python csv+executemany {qm:.2f} s = {rows / qm:,.0f} rows/s")
print(f"ratio (doudi rows/s / python executemany rows/s): {pm / dm:.2f}; against csv+executemany: {qm / dm:.2f}")
