#!/usr/bin/env python3
"""`doudi keys rotate` while the server runs (issue 11, item 2), from outside.

Usage: rotate.py BIN BASE_URL SQLITE_FILE
While the rotation runs, one thread keeps reading a household as the county officer and another posts
self-reports: none may get a 5xx, and the reads go on throughout. Afterwards nothing in the file is sealed under
the old key, the key file holds only the new version, and the server (which read the new file by itself)
still opens every record: a household's page and a member revealed in full.
"""
import json, sqlite3, subprocess, sys, threading, urllib.error, urllib.request

binary, base, database = sys.argv[1:4]


def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None


county = call("POST", "/api/v1/auth/token", {"username": "county", "password": "doudi-demo-2026"})[1]["token"]
households = call("GET", "/api/v1/households?limit=5", token=county)[1]["items"]
target = households[0]["householdId"]
statuses, stop = [], threading.Event()


def reader():
    while not stop.is_set():
        statuses.append(("read", call("GET", f"/api/v1/households/{target}", token=county)[0]))


def reporter():
    n = 0
    while not stop.is_set():
        n += 1
        statuses.append(("report", call("POST", "/api/v1/public/self-reports", {
            "name": "轮换", "residentId": "11010519491231002X", "mobile": "13912345678", "regionCode": "430481001001",
            "riskKinds": ["illness"], "description": f"rotate {n}", "consent": True})[0]))


threads = [threading.Thread(target=reader), threading.Thread(target=reporter)]
for t in threads:
    t.start()
done = subprocess.run([binary, "keys", "rotate", "--database", database], capture_output=True, text=True)
stop.set()
for t in threads:
    t.join()
assert done.returncode == 0, done.stderr
assert "→" in done.stdout, done.stdout
bad = [s for s in statuses if s[1] >= 500 or s[1] == 0]
reads = [s for s in statuses if s[0] == "read" and s[1] == 200]
assert not bad, f"answers during the rotation: {bad[:5]}"
assert len(reads) >= 10, f"only {len(reads)} reads answered during the rotation"

c = sqlite3.connect(database)
new = int(done.stdout.split("version ")[-1].split("→")[1].split(",")[0])
left = c.execute(f"""SELECT (SELECT COUNT(*) FROM members WHERE resident_sealed NOT LIKE 'k{new}:%' OR phone_sealed NOT LIKE 'k{new}:%')
                          + (SELECT COUNT(*) FROM leads WHERE resident_sealed NOT LIKE 'k{new}:%' OR mobile_sealed NOT LIKE 'k{new}:%')""").fetchone()[0]
assert left == 0, f"{left} rows still sealed under an old key"
keys = json.load(open(database + ".key"))
assert [k["version"] for k in keys["keys"]] == [new], keys["current"]

status, page = call("GET", f"/api/v1/households/{target}", token=county)
assert status == 200, status
member = page["members"][0]["memberId"]
status, full = call("POST", f"/api/v1/members/{member}/reveal", token=county)
assert status == 200 and len(full["residentId"]) == 18, (status, full)
print(f"rotated to version {new}: {len(reads)} reads and {len([s for s in statuses if s[0] == 'report'])} self-reports answered meanwhile, none 5xx")
