#!/usr/bin/env python3
"""Crash safety of the `doudi` binary (issue 11, item 5).

Starts `doudi serve`, sends a burst of self-reports, household edits and identification steps from several
threads, kills the server with SIGKILL in the middle, restarts it and checks that every request answered
with success is there and nothing is half-written (the audit chain verifies; on SQLite, the file's integrity
check passes). Several rounds. With --pg-data (PostgreSQL), it also stops the database server under load:
Doudi must answer 503 (never 500, never exit) while it is gone and serve again by itself once it is back.

Usage: crash.py BIN --database URL_OR_FILE [--rounds 3] [--pg-data DIR]   (DIR: the data directory of the server in URL)
"""
import argparse, http.client, json, os, random, signal, sqlite3, subprocess, sys, threading, time, urllib.error, urllib.request

p = argparse.ArgumentParser()
p.add_argument("bin")
p.add_argument("--database", required=True)
p.add_argument("--rounds", type=int, default=3)
p.add_argument("--pg-data", default="", help="the PostgreSQL server's data directory: it is stopped and started under load")
args = p.parse_args()
log = open("crash-serve.log", "a")


def free_port():
    """A port below the kernel's range for outgoing connections, free now. Inside that range, a client's own
    connection (this script's, or the server's to its database) can hold the port when the server starts again."""
    import socket
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    while True:
        candidate = random.randint(10000, max(10001, min(low, 20000) - 1))
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", candidate))
                return candidate
            except OSError:
                continue


port = free_port()
base = f"http://127.0.0.1:{port}"


def call(method, path, body=None, token=None, forwarded=None, timeout=10):
    """(status, parsed JSON or None); status 0 when the connection itself failed."""
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    if forwarded:
        req.add_header("x-forwarded-for", forwarded)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read()
            return r.status, (json.loads(data) if data and r.headers.get("content-type", "").startswith("application/json") else None)
    except urllib.error.HTTPError as e:
        return e.code, None
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, OSError):
        # No answer, or half of one (the server was killed while it wrote): the request counts as not acknowledged.
        return 0, None


def start(tries=3):
    global port, base
    log.flush()
    at = os.path.getsize("crash-serve.log")
    proc = subprocess.Popen([args.bin, "serve", "--demo", "--demo-households", "300", "--database", args.database, "--port", str(port),
                             "--trusted-proxy", "127.0.0.1"], stdout=log, stderr=log)
    for _ in range(240):
        if call("GET", "/healthz")[0] == 200:
            return proc
        if proc.poll() is not None:
            log.flush()
            said = open("crash-serve.log", "rb").read()
            if b"Address already in use" in said[at:] and tries > 1:
                # Taken by another process since it was chosen: the clients follow the server to a new port.
                port = free_port()
                base = f"http://127.0.0.1:{port}"
                return start(tries - 1)
            tail = said[-3000:].decode("utf-8", "replace")
            sys.exit(f"FAIL the server exited with {proc.returncode} at start; the end of crash-serve.log:\n{tail}")
        time.sleep(0.25)
    sys.exit("FAIL the server did not answer /healthz")


def token(user, password="doudi-demo-2026"):
    status, body = call("POST", "/api/v1/auth/token", {"username": user, "password": password})
    assert status == 200, f"token for {user}: {status}"
    return body["token"]


def rid(n):
    """A valid resident ID no one holds: born 1950-1999, sequence from n."""
    body = f"430481{1950 + n // 90000 % 50:04d}{1 + n // 9000 % 12:02d}{1 + n // 300 % 28:02d}{100 + n % 300:03d}"
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * x for c, x in zip(body, w)) % 11]


server = start()
county = token("county")
village = token("village")
# Edits send each household's own fields back with a new address, so that only the address changes.
households = [call("GET", f"/api/v1/households/{h['householdId']}", token=county)[1]
              for h in call("GET", "/api/v1/households?limit=40", token=county)[1]["items"]]
FIELDS = ["regionCode", "povertyStatus", "dibao", "nearDibao", "extremeHardship", "incomePerCapita"]
# Identifications at their first step, each with a cadre of its own village, so that its steps can be taken.
pledges = [e for e in call("GET", "/api/v1/episodes?status=identifying", token=county)[1] if e.get("step") == "pledge"]
cadres = {}
for e in pledges:
    v = e["regionCode"]
    if v not in cadres:
        name = f"crash.{v}"
        subprocess.run([args.bin, "user", "add", "--database", args.database, "--username", name, "--password", "crash-pass-2026",
                        "--role", "villageCadre", "--region", v], stdout=log, stderr=log, check=True)
        cadres[v] = token(name, "crash-pass-2026")

acked = {"report": [], "edit": {}, "edits": 0, "step": [], "errors": []}
lock = threading.Lock()
serial = [0]


def next_serial():
    with lock:
        serial[0] += 1
        return serial[0]


def reporter(stop, round_):
    while not stop.is_set():
        n = next_serial()
        status, body = call("POST", "/api/v1/public/self-reports", {"name": "压测", "residentId": rid(n), "mobile": "13700000000",
                            "regionCode": "430481001001", "riskKinds": ["illness"], "description": f"crash {round_}-{n}", "consent": True},
                            forwarded=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")
        with lock:
            if status == 201:
                acked["report"].append(body["trackingCode"])
            elif status >= 500:
                acked["errors"].append(("report", status))


def editor(stop, round_, mine):
    n = 0
    while not stop.is_set():
        for h in mine:
            n += 1
            status, _ = call("PUT", f"/api/v1/households/{h['householdId']}", dict({k: h[k] for k in FIELDS}, address=f"crash-{round_}-{n:06d}"), token=county)
            with lock:
                if status == 200:
                    acked["edit"][h["householdId"]] = f"crash-{round_}-{n:06d}"
                    acked["edits"] += 1
                elif status >= 500:
                    acked["errors"].append(("edit", status))


def stepper(stop, round_):
    while not stop.is_set() and pledges:
        with lock:
            if not pledges:
                return
            e = pledges.pop()
        # The village's two steps, pledge then democratic review, each acknowledged on its own.
        for done in (1, 2):
            status, _ = call("POST", f"/api/v1/episodes/{e['id']}/actions", {"action": "complete", "note": f"crash {round_}"}, token=cadres[e["regionCode"]])
            with lock:
                if status in (200, 204):
                    acked["step"].append((e["id"], done))
                elif status >= 500:
                    acked["errors"].append(("step", status))
            if status not in (200, 204):
                break
            time.sleep(0.05)


def check_after_restart():
    problems = []
    for code in acked["report"]:
        if call("GET", f"/api/v1/public/self-reports/{code}?mobile=13700000000", forwarded="10.255.255.1")[0] != 200:
            problems.append(f"self-report {code} was acknowledged and is gone")
    for h, address in acked["edit"].items():
        got = (call("GET", f"/api/v1/households/{h}", token=county)[1] or {}).get("address", "")
        if got < address:  # the last acknowledged edit, or one sent after it that committed before the kill
            problems.append(f"household {h}: acknowledged address {address}, found {got}")
    order = ["pledge", "democraticReview", "publicNotice", "townshipReview", "countyConfirmation"]
    for eid, done in acked["step"]:
        e = (call("GET", f"/api/v1/episodes/{eid}", token=county)[1] or {}).get("episode", {})
        if order.index(e.get("step", "pledge")) < done:
            problems.append(f"episode {eid}: {done} step(s) acknowledged, it stands at {e.get('step')}")
    verify = subprocess.run([args.bin, "audit", "verify", "--database", args.database], capture_output=True, text=True)
    if verify.returncode != 0:
        problems.append("audit chain: " + verify.stdout.strip())
    if "://" not in args.database:
        ok = sqlite3.connect(args.database).execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            problems.append(f"SQLite integrity_check: {ok}")
    return problems


def burst(round_, seconds, during=None):
    stop = threading.Event()
    half = len(households) // 2
    threads = [threading.Thread(target=reporter, args=(stop, round_)) for _ in range(3)]
    threads += [threading.Thread(target=editor, args=(stop, round_, households[i * half // 2:(i + 1) * half // 2])) for i in range(2)]
    threads += [threading.Thread(target=stepper, args=(stop, round_))]
    for t in threads:
        t.start()
    result = during() if during else time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    return result


failed = False
kills = 0
for round_ in range(args.rounds):
    def kill():
        time.sleep(random.uniform(0.8, 2.0))
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
    burst(round_, 0, during=kill)
    kills += 1
    server = start()
    problems = check_after_restart()
    print(f"round {round_ + 1}: killed with SIGKILL under load; acknowledged so far: {len(acked['report'])} self-reports, "
          f"{acked['edits']} edits of {len(acked['edit'])} households, {len(acked['step'])} identification steps; after restart: "
          + ("all there, chain verifies" if not problems else f"{len(problems)} problem(s)"))
    for pr in problems[:10]:
        print("  " + pr)
    failed |= bool(problems)
if acked["errors"]:
    print(f"FAIL answers of 5xx other than 503 during the bursts: {acked['errors'][:10]}") if any(s != 503 for _, s in acked["errors"]) else None
    failed |= any(s != 503 for _, s in acked["errors"])

def pg_ctl(*words):
    import glob, shlex
    ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
    cmd = [ctl, "-D", args.pg_data, *words]
    if os.getuid() == 0:  # the server belongs to the postgres user
        cmd = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(cmd)]
    subprocess.run(cmd, stdout=log, stderr=log, check=True)


def pg_options():
    """The options the server was started with (its port above all), to start it again the same way."""
    import shlex
    words = shlex.split(open(os.path.join(args.pg_data, "postmaster.opts")).read())[1:]
    i = words.index("-D") if "-D" in words else -1
    return shlex.join(words[:i] + words[i + 2:] if i >= 0 else words)


if args.pg_data:
    def outage():
        answers = []
        time.sleep(0.5)
        options = pg_options()
        pg_ctl("stop", "-m", "fast")
        t0 = time.time()
        while time.time() - t0 < 3:
            answers.append(call("GET", "/api/v1/households?limit=5", token=village)[0])
            answers.append(call("POST", "/api/v1/public/self-reports", {"name": "停库", "residentId": rid(900000 + len(answers)), "mobile": "13700000000",
                                "regionCode": "430481001001", "riskKinds": ["illness"], "consent": True}, forwarded=f"10.254.{len(answers) // 256}.{len(answers) % 256}")[0])
            time.sleep(0.1)
        pg_ctl("start", "-w", "-l", os.path.join(args.pg_data, "log"), "-o", options)
        t1 = time.time()
        while time.time() - t1 < 30 and call("GET", "/api/v1/households?limit=5", token=village)[0] != 200:
            time.sleep(0.25)
        return answers, time.time() - t1
    answers, back = burst("pg", 0, during=outage)
    alive = server.poll() is None
    # Any answer other than 503 fails; a request left without an answer (status 0) is counted and shown.
    wrong = sorted({a for a in answers if a not in (503, 0)})
    dropped = answers.count(0)
    print(f"database stopped under load: {len(answers)} requests while it was gone, answered {sorted(set(answers) - {0})}"
          f"{f', {dropped} without an answer' if dropped else ''}; server {'still running' if alive else 'EXITED'}; "
          f"serving again {back:.1f} s after the database came back")
    if wrong or not alive or back >= 30 or 503 not in answers:
        print(f"FAIL while the database was gone: answers {wrong} (want 503), alive={alive}")
        failed = True
    errors_other = [e for e in acked["errors"] if e[1] != 503]
    if errors_other:
        print(f"FAIL 5xx other than 503 during the outage burst: {errors_other[:10]}")
        failed = True
    problems = check_after_restart()
    if problems:
        print("FAIL after the outage: " + "; ".join(problems[:10]))
        failed = True

server.send_signal(signal.SIGTERM)
try:
    server.wait(timeout=40)
except subprocess.TimeoutExpired:
    print("FAIL the server did not stop within 40 s of SIGTERM")
    server.kill()
    failed = True
print(f"crash: {kills} kills survived" if not failed else "crash: FAILED")
sys.exit(1 if failed else 0)
