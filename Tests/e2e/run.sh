#!/usr/bin/env bash
# End-to-end checks of the `doudi` binary as a newcomer and a county would use it: the command line
# (help, migrate, user add, import with its report and exit codes, re-run), then `serve --demo` over
# HTTP, the browser journey (Chromium), fuzzing the API (Schemathesis), and a clean stop on SIGTERM.
# Usage: Tests/e2e/run.sh [path/to/doudi]    (default .build/debug/doudi)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(realpath "${1:-$root/.build/debug/doudi}")
work=$(mktemp -d)
trap 'kill $server 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
cd "$work"
pass=0; fail=0
check() { # name, then a command that must succeed
  local name=$1; shift
  if "$@" >>"$work/log" 2>&1; then pass=$((pass + 1)); echo "ok   $name"; else fail=$((fail + 1)); echo "FAIL $name"; tail -n 20 "$work/log"; fi
}

check "help lists serve, migrate, import, user" sh -c "'$bin' --help | grep -q serve && '$bin' --help | grep -q migrate && '$bin' --help | grep -q import && '$bin' --help | grep -q user"
check "migrate creates doudi.sqlite in the working directory" sh -c "'$bin' migrate | grep -q 'schema version' && test -f doudi.sqlite"
check "the key file is made beside the database, readable by its owner only" sh -c "test \$(stat -c %a doudi.sqlite.key) = 600"
check "user add with a role and region" "$bin" user add --username county.li --password 'long-enough-1' --role countyOfficer --region 430481000000
check "user add refuses an unknown role" sh -c "! '$bin' user add --username x.y --password 'long-enough-1' --role chief --region 430481000000"
check "user add refuses an unknown region" sh -c "! '$bin' user add --username x.z --password 'long-enough-1' --role auditor --region 430481999999"

"$bin" generate --households 300 --out data >/dev/null
# One bad check character and one unknown village.
awk -F, 'NR==4{ $1=substr($1,1,17) (substr($1,18,1)=="1"?"2":"1") } {print}' OFS=, data/members.csv > data/m.csv
sed '6s/,430481001/,430481999/' data/households.csv > data/h.csv
check "import runs, exits 0 with rejected rows, writes the report" sh -c "'$bin' import --households data/h.csv --members data/m.csv --report report.csv > out.txt"
check "report names file, line, field" sh -c "grep -q '^m.csv,4,resident_id,' report.csv && grep -q '^h.csv,6,region_code,' report.csv"
check "summary on standard output" grep -q '导入298户' out.txt
check "re-running the same import changes nothing and says so" sh -c "'$bin' import --households data/h.csv --members data/m.csv | grep -q 'did not change'"
check "no resident ID or phone of the import in the clear in the database file" python3 -c "
import csv, os
rows = list(csv.DictReader(open('data/m.csv', encoding='utf-8')))[:200]
secrets = [r['resident_id'] for r in rows] + [r['phone'] for r in rows if r.get('phone')]
data = open('doudi.sqlite', 'rb').read() + (open('doudi.sqlite-wal', 'rb').read() if os.path.exists('doudi.sqlite-wal') else b'')
assert len(secrets) > 200 and not [s for s in secrets if s.encode() in data]"
check "import of a missing file exits non-zero" sh -c "! '$bin' import --households nope.csv --members data/m.csv"
check "import with a missing column exits non-zero" sh -c "printf 'household_id\nH1\n' > bad.csv; ! '$bin' import --households bad.csv --members data/m.csv"

sample="$root/../shared/specs/screening-sample"
if [ -d "$sample" ]; then
  check "screen: the worked sample, flagged.csv byte for byte" sh -c "'$bin' screen --input '$sample/input' --as-of 2025-12-31 --out flagged.csv > summary.json && cmp flagged.csv '$sample/expected-flagged.csv'"
  check "screen: summary numbers" python3 -c "
import json; e = json.load(open('$sample/expected-summary.json')); m = json.load(open('summary.json'))
assert all(m[k] == e[k] for k in e), [k for k in e if m[k] != e[k]]"
  check "screen: parameters change the list" sh -c "'$bin' screen --input '$sample/input' --as-of 2025-12-31 --monitoring-line 20000 --out f2.csv >/dev/null && [ \$(wc -l < f2.csv) -gt \$(wc -l < flagged.csv) ]"
  check "screen: a bad date exits non-zero" sh -c "! '$bin' screen --input '$sample/input' --as-of 2025-02-30 --out f3.csv"
fi

# Below the kernel's range for outgoing connections (32768 and up), where a client's port can hold it.
port=$((20000 + RANDOM % 12000))
mkdir demo
(cd demo && exec "$bin" serve --demo --port "$port" > serve.log 2>&1) &
server=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$port"
check "serve --demo answers /healthz" sh -c "curl -sf $base/healthz | grep -q ok"
check "demo prints its accounts" grep -q 'doudi-demo-2026' demo/serve.log
check "metrics in Prometheus format" sh -c "curl -sf $base/metrics | grep -q '^# TYPE'"
check "OpenAPI document served" sh -c "curl -sf $base/api/openapi.yaml | grep -q 'openapi:'"
token=$(curl -sf -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' -d '{"username":"village","password":"doudi-demo-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
check "token for a demo account" test -n "$token"
county=$(curl -sf -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' -d '{"username":"county","password":"doudi-demo-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# A household that exists, in another village: the county sees it, the village cadre gets what a missing one gets.
elsewhere=$(curl -sf -H "Authorization: Bearer $county" "$base/api/v1/households?regionCode=430481001002&limit=5" | python3 -c '
import json, sys
print(next(i["householdId"] for i in json.load(sys.stdin)["items"] if i["regionCode"] == "430481001002"))')
code() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" "$2"; }
check "the county sees $elsewhere" test "$(code "$county" "$base/api/v1/households/$elsewhere")" = 200
check "404 for a household outside the region, as for one that does not exist" sh -c "test $(code "$token" "$base/api/v1/households/$elsewhere") = 404 && test $(code "$token" "$base/api/v1/households/H0-0") = 404"
check "no token, 401" sh -c "test \$(curl -s -o /dev/null -w '%{http_code}' $base/api/v1/households) = 401"
check "no script or style from elsewhere" sh -c "! curl -s $base/login | grep -Eq '(src|href)=\"https?://'"
check "downloads open in a spreadsheet: XLSX twins of every CSV, Chinese headers, codes as text" python3 "$root/Tests/e2e/workbook.py" "$base"
if [ -z "${SKIP_BROWSER:-}" ] && command -v chromium >/dev/null && command -v chromedriver >/dev/null && python3 -c 'import selenium' 2>/dev/null; then
  check "browser journey at 390 px: log in, search, open a household, reveal, verify a lead, identification step, dashboard" python3 "$root/Tests/e2e/journey.py" "$base"
  check "the village notice: the batch of the period, the right committee, the supervision telephone, one A4 page in print" python3 "$root/Tests/e2e/notice.py" "$base"
  check "a benefit application at 390 px: handed in by the village, accepted, visited and proposed by the township, posted, approved by the county" python3 "$root/Tests/e2e/assistance.py" "$base"
  check "a benefit changed at 390 px: the township records a change of income, reads how it will be paid from next month, confirms, finds it recorded" python3 "$root/Tests/e2e/benefits.py" "$base"
  check "aid first at 390 px: a person registered elsewhere paid from the reserve fund (too much refused), confirmed, the paperwork completed" python3 "$root/Tests/e2e/aid.py" "$base"
  check "a case at 390 px: opened from a household by the village, walked through the six steps by the village and the township, a measure referred to health and answered by it, closed after a second page" python3 "$root/Tests/e2e/cases.py" "$base"
  check "a quarter's review at 390 px: recorded by the helper, confirmed by the township, gone from the county's drill-down of those missing" python3 "$root/Tests/e2e/effects.py" "$base"
  check "a helper's visit offline at 390 px: the page kept by its service worker, the visit queued with the network cut, sent by itself with its photo when it returns, stored once when sent twice" python3 "$root/Tests/e2e/offline.py" "$base"
  check "a child without care at 390 px: a guardian's own report and its call back; reported by a hospital, acknowledged by the township with care ending tomorrow, listed as soon without care, a gap refused, relatives from that moment, followed up, referred to a school that accepts, risk lowered, assessed, the allowance approved on a pledge and paid through this month's roll, closed; a village survey, the figures; not for the village cadre" python3 "$root/Tests/e2e/children.py" "$base"
  check "volunteers at 390 px: an organization registered with its administrator, a volunteer with a login, a post and a task; the volunteer declares their health, takes the task, reports the hour, the organization confirms it, the record shows it; each rule's refusal in words and an assignment that passes" python3 "$root/Tests/e2e/volunteers.py" "$base"
  check "economic-status checks and the county's figures at 390 px: a bad file's line named, the corrected one saved, the deposits over the limit shown, the figures exported" python3 "$root/Tests/e2e/checks.py" "$base"
  check "the working-day calendar at 390 px: the national days of a year, a county holiday set, counted and removed" python3 "$root/Tests/e2e/workdays.py" "$base"
  check "every list at 390 and 1280 px: no sideways scroll, no cell narrower than four characters, tap targets a finger can hit" python3 "$root/Tests/e2e/layouts.py" "$base"
elif [ -n "${SKIP_BROWSER:-}" ]; then
  echo "skip browser journey (SKIP_BROWSER is set)"
else
  fail=$((fail + 1)); echo "FAIL browser journey: chromium, chromedriver or selenium is missing (scripts/install-test-deps.sh installs them; SKIP_BROWSER=1 skips on purpose)"
fi
check "restore refuses a key file that is not the backed-up database's, before writing anything" sh -c "'$bin' backup --database demo/doudi.sqlite --out demo.bak >/dev/null && ! '$bin' restore --database stranger.sqlite --from demo.bak --key-file doudi.sqlite.key && test ! -s stranger.sqlite"
check "backup while the server runs, restore into a new file with the database's key file: the same households" sh -c "'$bin' restore --database restored.sqlite --from demo.bak --key-file demo/doudi.sqlite.key >/dev/null && test \$(python3 -c \"import sqlite3; print(sqlite3.connect('restored.sqlite').execute('SELECT COUNT(*) FROM households').fetchone()[0])\") = \$(python3 -c \"import sqlite3; print(sqlite3.connect('demo/doudi.sqlite').execute('SELECT COUNT(*) FROM households').fetchone()[0])\")"
check "restore refuses a database that is not empty" sh -c "! '$bin' restore --database restored.sqlite --from demo.bak --key-file demo/doudi.sqlite.key"
check "audit verify: the restored chain holds" sh -c "'$bin' audit verify --database restored.sqlite | grep -q 'chain holds'"
check "audit head prints ENTRY:HASH, and verify with it as an anchor holds" sh -c "'$bin' audit head --database restored.sqlite > anchor.txt && grep -Eq '^[0-9]+:[0-9a-f]{64}\$' anchor.txt && '$bin' audit verify --database restored.sqlite --anchor \$(cat anchor.txt) | grep -q 'anchor(s) match'"
check "audit verify --anchor: the newest entry removed, the chain holds and its anchor fails" sh -c "cp restored.sqlite cut.sqlite && python3 -c \"import sqlite3; c=sqlite3.connect('cut.sqlite'); c.execute('DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)'); c.commit()\" && '$bin' audit verify --database cut.sqlite | grep -q 'chain holds' && ! '$bin' audit verify --database cut.sqlite --anchor \$(cat anchor.txt)"
check "audit verify: an edited entry breaks the chain, exit 1, its id printed" sh -c "python3 -c \"import sqlite3; c=sqlite3.connect('restored.sqlite'); c.execute('UPDATE audit_log SET actor = ? WHERE id = 5', ('x',)); c.commit()\" && ! '$bin' audit verify --database restored.sqlite > verify.txt; grep -q 'breaks at entry 5' verify.txt"
# Fuzzing the API against its own document (Schemathesis), bounded: no 5xx, every answer's status, content type
# and body as the document says. A fixed seed: the same cases each run, so a failure can be replayed. One worker:
# with two, Hypothesis's cache of lambda sources is shared between threads and now and then raises its own
# "AST constructor recursion depth mismatch" (a runtime error of the tool, not an answer of Doudi's).
if [ -z "${SKIP_FUZZ:-}" ] && command -v st >/dev/null; then
  for who in county village; do
    t=$(curl -sf -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' -d "{\"username\":\"$who\",\"password\":\"doudi-demo-2026\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    check "fuzzing the API as $who: no 5xx, every answer as documented" st run "$base/api/openapi.yaml" --url "$base/api/v1" -H "Authorization: Bearer $t" \
      --max-examples 20 --seed 10 --workers 1 --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance
  done
elif [ -n "${SKIP_FUZZ:-}" ]; then
  echo "skip fuzzing (SKIP_FUZZ is set)"
else
  fail=$((fail + 1)); echo "FAIL fuzzing: schemathesis is missing (scripts/install-test-deps.sh installs it; SKIP_FUZZ=1 skips on purpose)"
fi
check "keys rotate while the server reads and takes self-reports: no 5xx, nothing left under the old key, every record opens" python3 "$root/Tests/e2e/rotate.py" "$bin" "$base" demo/doudi.sqlite
kill -TERM $server; wait $server; code=$?; echo "server exit status $code" >> "$work/log"
check "SIGTERM stops the server cleanly" test "$code" = 0
server=
# Crash safety: SIGKILL in the middle of a burst of self-reports, household edits and identification steps,
# three times; every acknowledged write is there after each restart and the audit chain verifies.
check "crash safety on SQLite: three SIGKILLs under load, nothing acknowledged lost, nothing half-written" timeout 600 python3 "$root/Tests/e2e/crash.py" "$bin" --database "$work/crash.sqlite" --rounds 3

# The same binary on PostgreSQL: import with its report and re-run, then serve --demo with scope and a self-report.
if [ -n "${DOUDI_TEST_POSTGRES_URL:-}" ]; then
  pgdb() { # a new database on the test server, its URL on standard output
    local name="doudi_e2e_$1_$$"
    PGOPTIONS="-c client_min_messages=warning" psql -q "$DOUDI_TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null && echo "$DOUDI_TEST_POSTGRES_URL" | sed "s#/[^/?]*?#/$name?#"
  }
  pgi=$(pgdb import); pgs=$(pgdb serve)
  check "postgres: import runs and reports the same rejected rows" sh -c "'$bin' import --database '$pgi' --households data/h.csv --members data/m.csv --report pgreport.csv | grep -q '导入298户' && cmp pgreport.csv report.csv"
  check "postgres: re-running the import changes nothing" sh -c "'$bin' import --database '$pgi' --households data/h.csv --members data/m.csv | grep -q 'did not change'"
  (cd demo && exec "$bin" serve --demo --demo-households 300 --database "$pgs" --port "$port" > pgserve.log 2>&1) &
  server=$!
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
  check "postgres: serve --demo answers /healthz" sh -c "curl -sf $base/healthz | grep -q ok"
  ptoken=$(curl -sf -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' -d '{"username":"village","password":"doudi-demo-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  pcounty=$(curl -sf -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' -d '{"username":"county","password":"doudi-demo-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  pelsewhere=$(curl -sf -H "Authorization: Bearer $pcounty" "$base/api/v1/households?regionCode=430481001002&limit=5" | python3 -c '
import json, sys
print(next(i["householdId"] for i in json.load(sys.stdin)["items"] if i["regionCode"] == "430481001002"))')
  check "postgres: 404 for a household outside the region, 200 for the county" sh -c "test $(code "$ptoken" "$base/api/v1/households/$pelsewhere") = 404 && test $(code "$pcounty" "$base/api/v1/households/$pelsewhere") = 200"
  check "postgres: a self-report is taken" sh -c "curl -s -o /dev/null -w '%{http_code}' -X POST $base/api/v1/public/self-reports -H 'content-type: application/json' -d '{\"name\":\"李四\",\"residentId\":\"11010519491231002X\",\"mobile\":\"13912345678\",\"regionCode\":\"430481001001\",\"riskKinds\":[\"illness\"],\"description\":\"\",\"consent\":true}' | grep -q 201"
  pgr=$(pgdb restore)
  check "postgres: backup (pg_dump) while the server runs, restore into a new database: the same households" sh -c "'$bin' backup --database '$pgs' --out pg.bak >/dev/null && '$bin' restore --database '$pgr' --from pg.bak --key-file demo/doudi.key >/dev/null && test \$(psql -Atqc 'SELECT COUNT(*) FROM households' '$pgr') = \$(psql -Atqc 'SELECT COUNT(*) FROM households' '$pgs')"
  check "postgres: audit verify on the restored database" sh -c "'$bin' audit verify --database '$pgr' | grep -q 'chain holds'"
  kill -TERM $server; wait $server; code=$?
  check "postgres: SIGTERM stops the server cleanly" test "$code" = 0
  server=
  # The same on a PostgreSQL server of its own, which is also stopped and started under load: 503 while it
  # is gone, never a crash, serving again by itself.
  crashpg=/tmp/doudi-pg-crash-$$
  if DOUDI_PG_PORT=54339 DOUDI_PG_DATA=$crashpg "$root/scripts/start-postgres.sh" >/dev/null 2>>"$work/log"; then
    check "postgres: crash safety, and the database stopped and started under load" timeout 600 python3 "$root/Tests/e2e/crash.py" "$bin" \
      --database "postgres://doudi@127.0.0.1:54339/doudi_test?sslmode=disable" --rounds 2 --pg-data "$crashpg"
    pgctl=$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$pgctl -D $crashpg stop -m fast" >/dev/null 2>&1; else "$pgctl" -D "$crashpg" stop -m fast >/dev/null 2>&1; fi
    rm -rf "$crashpg"
  else
    fail=$((fail + 1)); echo "FAIL postgres: a server of its own for the crash test could not be started"
  fi
  psql -q "$DOUDI_TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS doudi_e2e_import_$$ WITH (FORCE)" -c "DROP DATABASE IF EXISTS doudi_e2e_serve_$$ WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS doudi_e2e_restore_$$ WITH (FORCE)" >/dev/null 2>&1
elif [ "${DOUDI_TEST_REQUIRE_POSTGRES:-}" = 1 ]; then
  fail=$((fail + 1)); echo "FAIL postgres: DOUDI_TEST_REQUIRE_POSTGRES is set but DOUDI_TEST_POSTGRES_URL is not"
fi
echo "e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
