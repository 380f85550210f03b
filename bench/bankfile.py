#!/usr/bin/env python3
"""The bank's file alone (issue 13's roll benchmark, its slowest part): serves a copy of the county that
bench/roll.py made (run that first), builds and approves next month's roll through the API, then downloads the
bank's XLSX (every account unsealed, the export audited) RUNS times from one server, and prints each download's
wall time and the median.

Usage: bench/bankfile.py [--work DIR] [--runs R] [--bin PATH] [--households N] [--beneficiaries B]
"""
import argparse, http.cookiejar, json, os, random, re, shutil, statistics, subprocess, sys, time, urllib.parse, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("--work", default="/tmp/bench-roll")
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--bin", default=".build-release/release/doudi")
ap.add_argument("--households", type=int, default=200_000)
ap.add_argument("--beneficiaries", type=int, default=60_000)
a = ap.parse_args()
seed = os.path.join(a.work, f"county-{a.households}-{a.beneficiaries}.sqlite")
if not os.path.exists(seed):
    sys.exit(f"no {seed}: run bench/roll.py --work {a.work} first")
db = os.path.join(a.work, "bank.sqlite")
for suffix in ("", "-wal", "-shm", ".key"):
    if os.path.exists(db + suffix): os.remove(db + suffix)
    if os.path.exists(seed + suffix): shutil.copy(seed + suffix, db + suffix)
subprocess.run([a.bin, "migrate", "--database", db], check=True, stdout=subprocess.DEVNULL)
port = random.randint(30000, 39000)
base = f"http://127.0.0.1:{port}"
y, m = time.localtime().tm_year, time.localtime().tm_mon
month, county = f"{y + m // 12}-{m % 12 + 1:02d}", "430481000000"
server = subprocess.Popen([a.bin, "serve", "--database", db, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    req = urllib.request.Request(base + "/api/v1/auth/token", data=json.dumps({"username": "county", "password": "doudi-demo-2026"}).encode(),
                                 headers={"content-type": "application/json"})
    auth = {"authorization": "Bearer " + json.load(urllib.request.urlopen(req))["token"], "content-type": "application/json"}
    for step in ["build", "approve"]:
        urllib.request.urlopen(urllib.request.Request(base + "/api/v1/assistance/roll", method="POST", headers=auth,
                                                      data=json.dumps({"regionCode": county, "month": month, "step": step}).encode())).read()
    jar = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    csrf = re.search(r'name="_csrf" value="([^"]+)"', jar.open(base + "/login").read().decode()).group(1)
    jar.open(base + "/login", data=urllib.parse.urlencode({"_csrf": csrf, "username": "county", "password": "doudi-demo-2026"}).encode()).read()
    times = []
    for i in range(a.runs):
        t = time.perf_counter()
        size = len(jar.open(f"{base}/assistance/roll.xlsx?regionCode={county}&month={month}").read())
        times.append(time.perf_counter() - t)
        print(f"  download {i + 1}: {times[-1]:.2f} s, {size / 1e6:.1f} MB")
    print(f"  median: {statistics.median(times):.2f} s")
finally:
    server.terminate()
    server.wait()
