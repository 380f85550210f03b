#!/usr/bin/env python3
"""Screening benchmark (issue 4): `doudi screen` against DuckDB on the same files.

Generates a screening input (`doudi generate --feeds`: households, about 3.2 members each, about 4 medical
bills per household, and the rarer feeds), then RUNS times each, alternating:
  - doudi: `doudi screen --input DIR --as-of 2025-12-31 --out F` (every check, the whole summary);
  - duckdb: DuckDB (PyPI, default threads) reading the same files with its typed CSV reader and running the
    spec's rules as one SQL query that writes the flagged households (no rejected-row report: DuckDB skips
    what it cannot read);
each as its own process under /usr/bin/time, for wall time and peak memory. Checks that both lists agree.
Prints the medians and the ratio.

Usage: bench/screen.py [--households N ...] [--runs R] [--bin PATH]
"""
import argparse, os, statistics, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--households", type=int, nargs="+", default=[1_000_000])
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--bin", default=".build-release/release/doudi")
ap.add_argument("--data", default="bench-data/screen")
a = ap.parse_args()

DUCK = r"""
import duckdb, sys
d, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
def t(name, cols):
    return f"read_csv('{d}/{name}.csv', header=true, columns={cols}, ignore_errors=true, dateformat='%Y-%m-%d')"
con.execute(f'''
COPY (
WITH h AS (SELECT * FROM {t('households', "{'household_id':'VARCHAR','region_code':'VARCHAR','poverty_status':'VARCHAR','dibao':'INTEGER','income_per_capita':'BIGINT'}")}
           WHERE poverty_status IN ('none','exited','notExited') AND dibao IN (0,1)),
m AS (SELECT * FROM {t('members', "{'resident_id':'VARCHAR','household_id':'VARCHAR','relation':'VARCHAR','labor_ability':'VARCHAR'}")}),
win AS (SELECT DATE '2025-12-31' - INTERVAL 364 DAY AS lo, DATE '2025-12-31' AS hi),
med AS (SELECT m.household_id, SUM(x.out_of_pocket) AS oop FROM {t('medical', "{'resident_id':'VARCHAR','date':'DATE','total_cost':'BIGINT','out_of_pocket':'BIGINT'}")} x
        JOIN m USING (resident_id), win WHERE x.date BETWEEN win.lo AND win.hi GROUP BY 1),
dis AS (SELECT m.household_id, SUM(x.loss) AS loss FROM {t('disaster', "{'resident_id':'VARCHAR','date':'DATE','loss':'BIGINT'}")} x
        JOIN m USING (resident_id), win WHERE x.date BETWEEN win.lo AND win.hi GROUP BY 1),
une AS (SELECT DISTINCT m.household_id FROM {t('unemployment', "{'resident_id':'VARCHAR','date':'DATE'}")} x JOIN m USING (resident_id), win WHERE x.date BETWEEN win.lo AND win.hi),
dea AS (SELECT DISTINCT m.household_id FROM {t('death', "{'resident_id':'VARCHAR','date':'DATE'}")} x JOIN m USING (resident_id), win
        WHERE m.labor_ability = 'full' AND x.date BETWEEN win.lo AND win.hi),
dsb AS (SELECT DISTINCT m.household_id FROM {t('disability', "{'resident_id':'VARCHAR','date':'DATE','grade':'INTEGER'}")} x JOIN m USING (resident_id), win
        WHERE x.grade IN (1,2) AND x.date BETWEEN win.lo AND win.hi),
n AS (SELECT household_id, COUNT(*) AS n FROM m GROUP BY 1),
s AS (SELECT h.household_id, h.region_code, h.poverty_status, h.income_per_capita AS ipc, n.n,
             h.income_per_capita * n.n AS income, COALESCE(med.oop, 0) AS oop, COALESCE(dis.loss, 0) AS loss,
             une.household_id IS NOT NULL AS u, dea.household_id IS NOT NULL AS de, dsb.household_id IS NOT NULL AS di
      FROM h JOIN n USING (household_id) LEFT JOIN med USING (household_id) LEFT JOIN dis USING (household_id)
      LEFT JOIN une USING (household_id) LEFT JOIN dea USING (household_id) LEFT JOIN dsb USING (household_id)
      WHERE h.poverty_status <> 'notExited'),
k AS (SELECT *, oop > 0 AND (oop >= 10000 OR oop * 2 >= income) AS il, loss > 0 AND (loss >= 10000 OR loss * 2 >= income) AS ds,
             income - oop - loss < 7100 * n AS below FROM s),
c AS (SELECT *, CASE WHEN oop + loss >= income THEN 'suddenHardship'
                     WHEN poverty_status = 'exited' AND below THEN 'unstableExited'
                     WHEN poverty_status = 'none' AND below THEN 'marginalAtRisk' END AS category
      FROM k WHERE il OR ds OR u OR de OR di)
SELECT household_id, region_code, category,
       concat_ws('|', CASE WHEN il THEN 'illness' END, CASE WHEN ds THEN 'disaster' END, CASE WHEN u THEN 'unemployment' END,
                 CASE WHEN de THEN 'death' END, CASE WHEN di THEN 'disability' END) AS risk_kinds,
       printf('%.2f', round((income - oop - loss)::DECIMAL(38,6) / n, 2)) AS adjusted_income_per_capita
FROM c WHERE category IS NOT NULL ORDER BY household_id COLLATE "C"
) TO '{out}' (HEADER, DELIMITER ',')
''')
"""

def timed(cmd):
    r = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{cmd[0]} failed:\n{r.stderr[-2000:]}")
    wall, kb = r.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb) / 1024

tmp = tempfile.mkdtemp(prefix="doudi-screen-")
duck = os.path.join(tmp, "duck.py")
open(duck, "w").write(DUCK)
for n in a.households:
    data = f"{a.data}-{n}"
    if not os.path.exists(os.path.join(data, "disability.csv")):
        subprocess.run([a.bin, "generate", "--feeds", "--households", str(n), "--out", data], check=True)
    size = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data)) / 1e6
    lines = {f: sum(1 for _ in open(os.path.join(data, f))) - 1 for f in ("members.csv", "medical.csv")}
    print(f"{n:,} households, {lines['members.csv']:,} members, {lines['medical.csv']:,} medical rows, {size:.0f} MB of CSV")
    d, q = [], []
    for i in range(a.runs):
        d.append(timed([a.bin, "screen", "--input", data, "--as-of", "2025-12-31", "--out", os.path.join(tmp, "doudi.csv")]))
        q.append(timed([sys.executable, duck, data, os.path.join(tmp, "duck.csv")]))
        print(f"  run {i + 1}: doudi {d[-1][0]:.2f} s {d[-1][1]:.0f} MB   duckdb {q[-1][0]:.2f} s {q[-1][1]:.0f} MB")
    same = open(os.path.join(tmp, "doudi.csv"), "rb").read() == open(os.path.join(tmp, "duck.csv"), "rb").read()
    dt, dm = statistics.median(x[0] for x in d), statistics.median(x[1] for x in d)
    qt, qm = statistics.median(x[0] for x in q), statistics.median(x[1] for x in q)
    print(f"  median: doudi {dt:.2f} s, {dm:.0f} MB; duckdb {qt:.2f} s, {qm:.0f} MB; time ratio doudi/duckdb {dt / qt:.2f}, "
          f"memory ratio {dm / qm:.2f}; same flagged list: {same}")
