#!/usr/bin/env python3
"""Payment roll benchmark (issue 13): a county of 60,000 beneficiaries on SQLite.

Makes the demo county once with N households and B of them with a benefit in force (`doudi serve --demo
--demo-households N --demo-beneficiaries B`, stopped when it is up). Then RUNS times, each on a fresh copy of
that database, with the release build serving it:
  - doudi: as a county officer, through HTTP, one after the other: build the month's roll (the API), the month's
    figures (the API's, then the figures by township as XLSX), approve the roll (the API), and download the bank's
    XLSX file (every account unsealed, the export audited). The time is the sum of the five answers' wall times.
  - sqlite3: the `sqlite3` shell on a copy of the same database: one process writes the same roll lines into
    the same tables as one INSERT … SELECT (WAL, synchronous FULL, as Doudi writes; the children's allowances'
    lines with the months each is owed as a second) and computes the same figures
    as GROUP BY queries; a second writes the roll's lines with the head's name and the sealed account as CSV (no
    unsealing, no XLSX, no audit). Both sides must write the same number of lines.
Prints each run, the medians and the ratios: everything, and the roll and the figures alone (the issue's
reference: the aggregation as SQL; Doudi's build, figures and figures' XLSX beside the shell's first process).

Usage: bench/roll.py [--households N] [--beneficiaries B] [--runs R] [--bin PATH] [--work DIR]
"""
import argparse, http.cookiejar, json, os, random, re, shutil, statistics, subprocess, sys, tempfile, time, urllib.parse, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("--households", type=int, default=200_000)
ap.add_argument("--beneficiaries", type=int, default=60_000)
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--bin", default=".build-release/release/doudi")
ap.add_argument("--work", default=None)
a = ap.parse_args()
work = a.work or tempfile.mkdtemp(prefix="doudi-roll-")
os.makedirs(work, exist_ok=True)
port = random.randint(30000, 39000)
base = f"http://127.0.0.1:{port}"
COUNTY = "430481000000"
# Next month: the demo has already paid this month's roll.
y, m = time.localtime().tm_year, time.localtime().tm_mon
month = f"{y + m // 12}-{m % 12 + 1:02d}"


def serve(db, *extra):
    p = subprocess.Popen([a.bin, "serve", "--database", db, "--port", str(port), *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(3000):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return p
        except OSError:
            time.sleep(0.2)
    p.kill()
    sys.exit("the server did not start")


def stop(p):
    p.terminate()
    p.wait()


seed = os.path.join(work, f"county-{a.households}-{a.beneficiaries}.sqlite")
if not os.path.exists(seed):
    stop(serve(seed, "--demo", "--demo-households", str(a.households), "--demo-beneficiaries", str(a.beneficiaries)))
# A county made by an earlier build gets the schema's later versions (not timed), so both sides read the same tables.
subprocess.run([a.bin, "migrate", "--database", seed], check=True, stdout=subprocess.DEVNULL)


def copy(dst):
    for suffix in ("", "-wal", "-shm", ".key"):
        if os.path.exists(dst + suffix): os.remove(dst + suffix)
        if os.path.exists(seed + suffix): shutil.copy(seed + suffix, dst + suffix)
    # The copy's dirty pages are written out now, not by the first flush of whichever side is timed (measured:
    # the first commit after a copy took 0.6 s to 1 s more).
    os.sync()


def doudi_run():
    db = os.path.join(work, "run.sqlite")
    copy(db)
    p = serve(db)
    try:
        req = urllib.request.Request(base + "/api/v1/auth/token", data=json.dumps({"username": "county", "password": "doudi-demo-2026"}).encode(),
                                     headers={"content-type": "application/json"})
        auth = {"authorization": "Bearer " + json.load(urllib.request.urlopen(req))["token"]}
        jar = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = jar.open(base + "/login").read().decode()
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        jar.open(base + "/login", data=urllib.parse.urlencode({"_csrf": csrf, "username": "county", "password": "doudi-demo-2026"}).encode()).read()

        def api(method, path, body=None):
            data = json.dumps(body).encode() if body is not None else None
            r = urllib.request.Request(base + path, data=data, method=method, headers={**auth, "content-type": "application/json"})
            return urllib.request.urlopen(r).read()

        q = f"regionCode={COUNTY}&month={month}"
        laps = []
        def lap(f):
            t = time.perf_counter()
            r = f()
            laps.append(time.perf_counter() - t)
            return r
        lap(lambda: api("POST", "/api/v1/assistance/roll", {"regionCode": COUNTY, "month": month, "step": "build"}))
        figures = json.loads(lap(lambda: api("GET", f"/api/v1/assistance/figures?{q}")))
        sheet = lap(lambda: jar.open(f"{base}/assistance/figures.xlsx?{q}").read())
        roll = json.loads(lap(lambda: api("POST", "/api/v1/assistance/roll", {"regionCode": COUNTY, "month": month, "step": "approve"})))
        bank = lap(lambda: jar.open(f"{base}/assistance/roll.xlsx?{q}").read())
        elapsed = sum(laps)
        print("    build {:.2f} s, figures {:.2f} s, figures.xlsx {:.2f} s, approve {:.2f} s, bank file {:.2f} s".format(*laps))
        assert bank[:2] == b"PK" and sheet[:2] == b"PK"
        return elapsed, roll["lineCount"], figures["households"], len(bank), sum(laps[:3])
    finally:
        stop(p)


# Each benefit at the amount set for the month (a change, a phased exit), as Doudi pays it.
AMOUNT = f"""LEFT JOIN benefit_amounts x ON x.benefit_id = b.id
    AND x.from_month = (SELECT MAX(y.from_month) FROM benefit_amounts y WHERE y.benefit_id = b.id AND y.from_month <= '{month}')"""
# A month 'YYYY-MM' as a count of months: children's allowances pay the months their rolls missed.
def MONTHS(text): return f"(CAST(SUBSTR({text}, 1, 4) AS INTEGER) * 12 + CAST(SUBSTR({text}, 6, 2) AS INTEGER))"
SQL = f"""
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
INSERT INTO payment_rolls (county, month, status, built_by, built_at) VALUES ({COUNTY}, '{month}', 'draft', 'shell', 0);
INSERT INTO payment_lines (roll_id, benefit_id, household_id, region, kind, persons, amount)
  SELECT (SELECT MAX(id) FROM payment_rolls), b.id, b.household_id, b.region, b.kind, COALESCE(x.persons, b.persons), COALESCE(x.amount, b.monthly_amount)
  FROM benefits b {AMOUNT}
  WHERE b.region BETWEEN {COUNTY} AND {int(COUNTY) + 999999} AND b.start_month <= '{month}' AND (b.end_month IS NULL OR b.end_month >= '{month}')
    AND COALESCE(x.amount, b.monthly_amount) > 0;
WITH due AS (
  SELECT a.id, a.region, a.monthly_amount,
    {MONTHS("MIN('" + month + "', COALESCE(a.end_month, '" + month + "'))")} - {MONTHS("a.start_month")} + 1
      - COALESCE((SELECT SUM(l.months) FROM child_payment_lines l WHERE l.allowance_id = a.id), 0) AS months
  FROM child_allowances a WHERE a.region BETWEEN {COUNTY} AND {int(COUNTY) + 999999} AND a.start_month <= '{month}')
INSERT INTO child_payment_lines (roll_id, allowance_id, region, months, amount)
  SELECT (SELECT MAX(id) FROM payment_rolls), id, region, months, months * monthly_amount FROM due WHERE months > 0;
.mode csv
.once /dev/null
SELECT b.region / 1000 AS township, b.kind, COUNT(DISTINCT b.household_id), SUM(COALESCE(x.persons, b.persons)), SUM(COALESCE(x.amount, b.monthly_amount)),
       SUM(CASE WHEN b.start_month = '{month}' THEN 1 ELSE 0 END), SUM(CASE WHEN b.end_month = '{month}' THEN 1 ELSE 0 END)
  FROM benefits b {AMOUNT}
  WHERE b.region BETWEEN {COUNTY} AND {int(COUNTY) + 999999} AND b.start_month <= '{month}' AND (b.end_month IS NULL OR b.end_month >= '{month}') GROUP BY 1, 2;
.once /dev/null
SELECT region / 1000, COUNT(*) FROM benefits WHERE region BETWEEN {COUNTY} AND {int(COUNTY) + 999999} AND review_due < '{month}'
  AND start_month <= '{month}' AND (end_month IS NULL OR end_month >= '{month}') GROUP BY 1;
.once /dev/null
SELECT region / 1000, COUNT(*), SUM(amount) FROM aid_first WHERE region BETWEEN {COUNTY} AND {int(COUNTY) + 999999} AND paid_on <= '{month}-31' GROUP BY 1;
.once /dev/null
SELECT region / 1000, COUNT(*) FROM assistance_applications WHERE status = 'approved' AND SUBSTR(decided_on, 1, 7) = '{month}' GROUP BY 1;
"""
LINES = f"""
.mode csv
.once {work}/lines.csv
SELECT * FROM (SELECT '', l.region, a.category, 1, l.amount, a.bank_sealed, a.payee_name
  FROM child_payment_lines l JOIN child_allowances a ON a.id = l.allowance_id WHERE l.roll_id = (SELECT MAX(id) FROM payment_rolls) ORDER BY l.region, l.id)
UNION ALL
SELECT * FROM (SELECT l.household_id, l.region, l.kind, l.persons, l.amount, b.bank_sealed,
       (SELECT MIN(m.name) FROM members m WHERE m.household_id = l.household_id AND m.relation = 'head')
  FROM payment_lines l JOIN benefits b ON b.id = l.benefit_id WHERE l.roll_id = (SELECT MAX(id) FROM payment_rolls) ORDER BY l.region, l.household_id);
"""


def sqlite_run():
    db = os.path.join(work, "shell.sqlite")
    copy(db)
    laps = []
    for part in (SQL, LINES):
        t = time.perf_counter()
        subprocess.run(["sqlite3", db], input=part, text=True, check=True, stdout=subprocess.DEVNULL)
        laps.append(time.perf_counter() - t)
    with open(os.path.join(work, "lines.csv"), encoding="utf-8") as f: lines = sum(1 for _ in f)
    return sum(laps), lines, laps[0]


print(f"{a.households:,} households, {a.beneficiaries:,} beneficiaries, month {month}")
d, s = [], []
for i in range(a.runs):
    d.append(doudi_run())
    s.append(sqlite_run())
    print(f"  run {i + 1}: doudi {d[-1][0]:.2f} s ({d[-1][1]:,} roll lines, {d[-1][2]:,} households in the figures, bank file {d[-1][3] / 1e6:.1f} MB)   "
          f"sqlite3 {s[-1][0]:.2f} s ({s[-1][1]:,} lines); the roll and the figures alone: doudi {d[-1][4]:.2f} s, sqlite3 {s[-1][2]:.2f} s")
    # Both sides wrote the same roll: a reference that writes fewer lines would be a reference that does less.
    assert s[-1][1] == d[-1][1], "the shell's roll has another number of lines"
dt, st = statistics.median(x[0] for x in d), statistics.median(x[0] for x in s)
print(f"  median: doudi {dt:.2f} s; sqlite3 shell {st:.2f} s; ratio doudi/sqlite3 {dt / st:.2f}")
# The reference is the aggregation as SQL: the roll built and the figures computed (and, on Doudi's side,
# the figures' XLSX), without the bank's file.
da, sa = statistics.median(x[4] for x in d), statistics.median(x[2] for x in s)
print(f"  the roll and the figures alone, median: doudi {da:.2f} s; sqlite3 shell {sa:.2f} s; ratio {da / sa:.2f}")
