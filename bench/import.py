#!/usr/bin/env python3
"""Import benchmark (issue 3): Doudi's `doudi import` against Python's sqlite3.executemany.

Generates 200,000 households (about 950,000 rows with their members) with `doudi generate`, then, RUNS
times each, interleaved, every contender in a process of its own (so that no one's memory weighs on another):
  - doudi: a new SQLite database is migrated (not timed), then `doudi import` is timed as a whole process:
    reading both files, every check, the register's indexes, the audit entries, the count check, commit;
  - python: the same rows, parsed into tuples before the clock starts, inserted with executemany into two
    bare tables (no index, no check) in one transaction, commit included. This is the issue's yardstick;
and, to show where the time goes, references that do no check at all:
  - python + indexes: the same, then the three indexes any register needs (a person found by resident ID and
    in one household only, a household found by its id, the members of a household);
  - python into doudi's schema: executemany into the register's own tables (a rollback journal, as `doudi import`
    loads a file it has to itself; synchronous=FULL, an audit
    row per household, the secondary indexes built afterwards);
  - sqlite3 shell: SQLite's own C loader (`.import --csv`, CSV parsing included) into the two bare tables,
    and the same followed by the three indexes.
Prints each run, the medians in rows per second, and the ratios.

Usage: bench/import.py [--households N] [--runs R] [--bin PATH] [--only doudi,python,...]
Default binary: .build-release/release/doudi, built with
  swift build -c release --scratch-path .build-release --product doudi
"""
import argparse, csv, os, shutil, statistics, subprocess, sys, tempfile, time

BARE = ["CREATE TABLE households (household_id TEXT, region_code TEXT, poverty_status TEXT, dibao TEXT, income_per_capita TEXT)",
        "CREATE TABLE members (resident_id TEXT, household_id TEXT, relation TEXT, labor_ability TEXT, name TEXT, sex TEXT, phone TEXT)"]
INDEXES = ["CREATE UNIQUE INDEX members_resident ON members (resident_id)",
           "CREATE UNIQUE INDEX households_id ON households (household_id)",
           "CREATE INDEX members_household ON members (household_id)"]


def remove(db):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(db + suffix): os.remove(db + suffix)


def child(mode, hf, mf, db, bin):
    """One python contender, in its own process: prints the seconds it took once its rows were in memory."""
    import sqlite3
    with open(hf, encoding="utf-8") as f: households = [tuple(r) for r in list(csv.reader(f))[1:]]
    with open(mf, encoding="utf-8") as f: members = [tuple(r) for r in list(csv.reader(f))[1:]]
    if mode == "schema":
        subprocess.run([bin, "migrate", "--database", db], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        con = sqlite3.connect(db, isolation_level=None)
        for pragma in ["journal_mode=DELETE", "synchronous=FULL", "cache_size=-65536", "temp_store=MEMORY", "foreign_keys=ON", "defer_foreign_keys=ON"]:
            con.execute("PRAGMA " + pragma)
        hrows = [(h[0], int(h[1]), h[2], int(h[3]), 0, 0, int(h[4]), "", 1, 1) for h in households]
        # No sealing here (a reference that does no work): the resident ID stands in for its sealed form and index.
        mrows = [(m[0], m[0], m[1], 430481001001, m[4], m[2], m[5] or "male", "1980-01-01", m[3], "healthy", None, "notInSchool", "notApplicable", m[6] or None, None)
                 for m in members]
        arows = [(1, 0, "bench", "household.import", h[0], int(h[1]), None, '{"members":3}') for h in households]
        indexes = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('households', 'members') AND sql IS NOT NULL").fetchall()
        for (trigger,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall(): con.execute(f'DROP TRIGGER "{trigger}"')
        t = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        for name, _ in indexes: con.execute(f'DROP INDEX "{name}"')
        con.executemany("INSERT INTO households (id, region, poverty_status, dibao, near_dibao, extreme_hardship, income_per_capita, address, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)", hrows)
        con.executemany("INSERT INTO members (resident_sealed, resident_index, household_id, region, name, relation, sex, birth_date, labor_ability, health, disability_grade, schooling, employment, phone_sealed, child_category) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", mrows)
        con.executemany("INSERT INTO audit_log (at, actor_id, actor, action, subject, region, before_json, after_json) VALUES (?,?,?,?,?,?,?,?)", arows)
        for _, ddl in indexes: con.execute(ddl)
        # Every ending of every name, as Doudi's bulk path writes them after its load (SearchParts). Its trigram
        # table of household numbers is left out: Python's SQLite (3.40) cannot open it.
        con.execute("INSERT INTO name_parts (part, member_id, region, household_id) SELECT substr(m.name, p.k), m.id, m.region, m.household_id "
                    "FROM members m JOIN name_part_positions p ON p.k <= length(m.name) ORDER BY 1, 2")
        con.execute("COMMIT")
    else:
        con = sqlite3.connect(db)
        for ddl in BARE: con.execute(ddl)
        con.commit()
        t = time.perf_counter()
        con.executemany("INSERT INTO households VALUES (?,?,?,?,?)", households)
        con.executemany("INSERT INTO members VALUES (?,?,?,?,?,?,?)", members)
        if mode == "indexed":
            for ddl in INDEXES: con.execute(ddl)
        con.commit()
    s = time.perf_counter() - t
    con.close()
    print(s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=".build-release/release/doudi")
    ap.add_argument("--data", default="bench-data/import")
    ap.add_argument("--only", default="doudi,python,python-indexed,python-schema,sqlite3,sqlite3-indexed")
    ap.add_argument("--child", nargs=4, metavar=("MODE", "HOUSEHOLDS", "MEMBERS", "DB"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(*a.child, a.bin)

    data = f"{a.data}-{a.households}"
    hf, mf = os.path.join(data, "households.csv"), os.path.join(data, "members.csv")
    if not os.path.exists(mf):
        subprocess.run([a.bin, "generate", "--households", str(a.households), "--out", data], check=True)
    with open(hf, encoding="utf-8") as f: households = sum(1 for _ in f) - 1
    with open(mf, encoding="utf-8") as f: members = sum(1 for _ in f) - 1
    rows = households + members
    print(f"{households} households + {members} members = {rows} rows")
    tmp = tempfile.mkdtemp(prefix="doudi-bench-")
    db = os.path.join(tmp, "bench.sqlite")

    def doudi():
        subprocess.run([a.bin, "migrate", "--database", db], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t = time.perf_counter()
        out = subprocess.run([a.bin, "import", "--database", db, "--households", hf, "--members", mf, "--report", os.path.join(tmp, "r.csv")],
                             check=True, capture_output=True, text=True).stdout
        s = time.perf_counter() - t
        if f"导入{households}户" not in out:
            sys.exit("doudi did not import every household:\n" + out)
        return s

    def python(mode):
        return lambda: float(subprocess.run([sys.executable, __file__, "--bin", a.bin, "--child", mode, hf, mf, db],
                                            check=True, capture_output=True, text=True).stdout)

    def shell(indexed):
        def run():
            script = "\n".join(d + ";" for d in BARE) + "\n"
            subprocess.run(["sqlite3", db], input=script, text=True, check=True)
            load = ["PRAGMA cache_size=-1048576;", "BEGIN;", f".import --csv --skip 1 {hf} households", f".import --csv --skip 1 {mf} members"]
            load += [d + ";" for d in INDEXES] if indexed else []
            t = time.perf_counter()
            subprocess.run(["sqlite3", db], input="\n".join(load + ["COMMIT;", ""]), text=True, check=True)
            return time.perf_counter() - t
        return run

    contenders = {"doudi": doudi, "python": python("bare"), "python-indexed": python("indexed"), "python-schema": python("schema"),
                  "sqlite3": shell(False), "sqlite3-indexed": shell(True)}
    names = [n for n in a.only.split(",") if n in contenders]
    if "sqlite3" in a.only and not shutil.which("sqlite3"):
        names = [n for n in names if not n.startswith("sqlite3")]
        print("(no sqlite3 shell on this machine: apt-get install sqlite3)")
    times = {n: [] for n in names}
    for i in range(a.runs):
        for n in names:
            remove(db)
            times[n].append(contenders[n]())
        remove(db)
        print(f"run {i + 1}: " + "   ".join(f"{n} {times[n][-1]:.2f} s ({rows / times[n][-1]:,.0f} rows/s)" for n in names), flush=True)
    medians = {n: statistics.median(t) for n, t in times.items()}
    print("median: " + "; ".join(f"{n} {medians[n]:.2f} s = {rows / medians[n]:,.0f} rows/s" for n in names))
    if "doudi" in medians and "python" in medians:
        print(f"ratio (doudi rows/s / python executemany rows/s): {medians['python'] / medians['doudi']:.2f}")
    if "python" in medians:
        for n in names:
            if n not in ("doudi", "python"):
                print(f"  {n}: {medians['python'] / medians[n]:.2f} of python executemany's rows/s, with no check at all")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
