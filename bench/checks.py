#!/usr/bin/env python3
"""Economic-status check benchmark (issue 13): loading a department's file of 1,000,000 rows.

Makes the demo county once (`doudi serve --demo`, stopped when it is up), writes a made-up department file with
`doudi checks sample` (three answers about each applicant being checked, the rest about people elsewhere), then
RUNS times each, alternating, each as its own process under /usr/bin/time (wall time, peak memory):
  - doudi: `doudi checks load` — the whole command: opening the database, unsealing the applicants' IDs, reading
    the file on all cores with every check (resident ID with its check digit, the source, a whole number, a real
    day not after today), keeping the applicants' rows, one audited transaction;
  - duckdb: DuckDB (PyPI, default threads) reading the same file with its typed CSV reader into a table
    (`CREATE TABLE … AS SELECT * FROM read_csv(…)`, the types given, no check of IDs or days beyond the types).
Prints each run, the medians and the ratio.

Usage: bench/checks.py [--rows N] [--runs R] [--bin PATH] [--work DIR]
Default binary: .build-release/release/doudi (swift build -c release --scratch-path .build-release --product doudi)
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--rows", type=int, default=1_000_000)
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--bin", default=".build-release/release/doudi")
ap.add_argument("--work", default=None)
a = ap.parse_args()

DUCK = r"""
import duckdb, sys
con = duckdb.connect()
con.execute(f'''CREATE TABLE answers AS SELECT * FROM read_csv('{sys.argv[1]}', header=true,
  columns={{'resident_id':'VARCHAR','source':'VARCHAR','value':'BIGINT','as_of':'DATE','item':'VARCHAR'}}, dateformat='%Y-%m-%d')''')
print(con.execute('SELECT COUNT(*) FROM answers').fetchone()[0])
"""


def timed(cmd):
    r = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{cmd[0]} failed:\n{r.stdout[-1000:]}\n{r.stderr[-2000:]}")
    wall, kb = r.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb) / 1024, r.stdout


work = a.work or tempfile.mkdtemp(prefix="doudi-checks-")
os.makedirs(work, exist_ok=True)
db, data = os.path.join(work, "demo.sqlite"), os.path.join(work, f"answers-{a.rows}.csv")
if not os.path.exists(db):
    p = subprocess.Popen([a.bin, "serve", "--demo", "--database", db, "--port", "18497"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        if line.startswith("Doudi: http"): break
    p.terminate(); p.wait()
if not os.path.exists(data):
    subprocess.run([a.bin, "checks", "sample", "--database", db, "--out", data, "--rows", str(a.rows)], check=True)
duck = os.path.join(work, "duck.py")
open(duck, "w").write(DUCK)
print(f"{a.rows:,} rows, {os.path.getsize(data) / 1e6:.0f} MB")
d, q = [], []
for i in range(a.runs):
    d.append(timed([a.bin, "checks", "load", "--database", db, "--file", data]))
    q.append(timed([sys.executable, duck, data]))
    print(f"  run {i + 1}: doudi {d[-1][0]:.2f} s {d[-1][1]:.0f} MB   duckdb {q[-1][0]:.2f} s {q[-1][1]:.0f} MB   ({d[-1][2].splitlines()[0]})")
dt, dm = statistics.median(x[0] for x in d), statistics.median(x[1] for x in d)
qt, qm = statistics.median(x[0] for x in q), statistics.median(x[1] for x in q)
print(f"  median: doudi {dt:.2f} s, {dm:.0f} MB; duckdb {qt:.2f} s, {qm:.0f} MB; time ratio doudi/duckdb {dt / qt:.2f}")
