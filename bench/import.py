#!/usr/bin/env python3
"""Import benchmark (issue 3): Doudi's `doudi import` against Python's sqlite3.executemany.

Generates 200,000 households (about 950,000 rows with their members) with `doudi generate`, then, RUNS
times each:
  - doudi: a new SQLite database is migrated (not timed), then `doudi import` is timed as a whole process:
    reading both files, every check, the register's indexes, the audit entries, the count check, commit;
  - python: the same rows, already parsed into tuples (not timed), inserted with executemany into two bare
    tables (no index, no check) in one transaction, commit included;
  - for reference, python executemany into doudi's own schema (WAL, synchronous=FULL, audit rows, indexes
    built afterwards) with no check: what SQLite itself costs for this register.
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

def schema_run(i):
    """For reference, what SQLite itself costs for Doudi's register: the same rows, already parsed, with
    executemany into the register's own tables (doudi's schema, WAL, synchronous=FULL), an audit row per
    household, the secondary indexes built afterwards, one transaction, no check at all."""
    db = os.path.join(tmp, f"s{i}.sqlite")
    subprocess.run([a.bin, "migrate", "--database", db], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    con = sqlite3.connect(db, isolation_level=None)
    for pragma in ["journal_mode=WAL", "synchronous=FULL", "cache_size=-1048576", "temp_store=MEMORY", "foreign_keys=ON", "defer_foreign_keys=ON"]:
        con.execute("PRAGMA " + pragma)
    hrows = [(h[0], int(h[1]), h[2], int(h[3]), 0, 0, int(h[4]), "", 1, 1) for h in households]
    mrows = [(m[0], m[1], 430481001001, m[4], m[2], m[5] or "male", "1980-01-01", m[3], "healthy", None, "notInSchool", "notApplicable", m[6] or None, None)
             for m in members]
    arows = [(1, 0, "bench", "household.import", h[0], int(h[1]), None, '{"members":3}') for h in households]
    indexes = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('households', 'members') AND sql IS NOT NULL").fetchall()
    t = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    for name, _ in indexes: con.execute(f'DROP INDEX "{name}"')
    con.executemany("INSERT INTO households (id, region, poverty_status, dibao, near_dibao, extreme_hardship, income_per_capita, address, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)", hrows)
    con.executemany("INSERT INTO members (resident_id, household_id, region, name, relation, sex, birth_date, labor_ability, health, disability_grade, schooling, employment, phone, child_category) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", mrows)
    con.executemany("INSERT INTO audit_log (at, actor_id, actor, action, subject, region, before_json, after_json) VALUES (?,?,?,?,?,?,?,?)", arows)
    for _, ddl in indexes: con.execute(ddl)
    con.execute("COMMIT")
    s = time.perf_counter() - t
    con.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix): os.remove(db + suffix)
    return s

d, p, q, r = [], [], [], []
for i in range(a.runs):
    d.append(doudi_run(i)); p.append(python_run(i)); q.append(python_run(i, parse=True)); r.append(schema_run(i))
    print(f"run {i + 1}: doudi {d[-1]:.2f} s ({rows / d[-1]:,.0f} rows/s)   python executemany {p[-1]:.2f} s ({rows / p[-1]:,.0f} rows/s)"
          f"   python csv+executemany {q[-1]:.2f} s ({rows / q[-1]:,.0f} rows/s)   python into doudi's schema {r[-1]:.2f} s")
dm, pm, qm, rm = statistics.median(d), statistics.median(p), statistics.median(q), statistics.median(r)
print(f"median: doudi {dm:.2f} s = {rows / dm:,.0f} rows/s; python executemany {pm:.2f} s = {rows / pm:,.0f} rows/s; "
      f"python csv+executemany {qm:.2f} s = {rows / qm:,.0f} rows/s; python executemany into doudi's schema (no checks) {rm:.2f} s = {rows / rm:,.0f} rows/s")
print(f"ratio (doudi rows/s / python executemany rows/s): {pm / dm:.2f}; against csv+executemany: {qm / dm:.2f}; against executemany into doudi's schema: {rm / dm:.2f}")
