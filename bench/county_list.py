#!/usr/bin/env python3
"""A county's whole list by last change, as Doudi's SQL does it today and as a merge of its villages (issue 12).

Today (HouseholdStore.search, no text): the county's households in order of last change, a page of 50; SQLite
reads the county's range of the index by region and sorts all of it. The merge: each village's n-th latest
change (n = offset + 50) through the same index, whose entries are already in that order within a village; the
county's n latest are at or above the highest of those, so only they are read and sorted. Both must give the
same households. Run on the register bench/load.py imported (`--work`), SQLite, the file mapped as Doudi maps it.

Usage: bench/county_list.py --work /tmp/load [--runs 3]
"""
import argparse, os, sqlite3, time

p = argparse.ArgumentParser()
p.add_argument("--work", required=True)
p.add_argument("--runs", type=int, default=3)
args = p.parse_args()
db = sqlite3.connect(f"file:{os.path.join(args.work, 'search.sqlite')}?mode=ro", uri=True)
db.execute("PRAGMA mmap_size=2147418112")
db.execute("PRAGMA cache_size=-65536")
villages = "FROM regions r WHERE r.code BETWEEN ? AND ? AND r.code % 1000 != 0"


def today(lo, hi, skip, page=50):
    return [r[0] for r in db.execute("SELECT h.id FROM households h WHERE h.region BETWEEN ? AND ? "
                                     "ORDER BY h.updated_at DESC, h.id LIMIT ? OFFSET ?", (lo, hi, page, skip))]


def merged(lo, hi, skip, page=50):
    n = skip + page
    t = db.execute(f"""SELECT MAX(t) FROM (SELECT COALESCE(
        (SELECT h.updated_at FROM households h WHERE h.region = r.code ORDER BY h.updated_at DESC LIMIT 1 OFFSET ?),
        (SELECT MIN(h.updated_at) FROM households h WHERE h.region = r.code)) AS t {villages})""", (n - 1, lo, hi)).fetchone()[0]
    if t is None:
        return []
    return [r[0] for r in db.execute(f"SELECT h.id FROM regions r CROSS JOIN households h ON h.region = r.code AND h.updated_at >= ? "
                                     f"WHERE r.code BETWEEN ? AND ? AND r.code % 1000 != 0 ORDER BY h.updated_at DESC, h.id LIMIT ? OFFSET ?",
                                     (t, lo, hi, page, skip))]


for name, lo, hi in [("county 430481", 430481000000, 430481999999), ("township 430481101", 430481101000, 430481101999)]:
    for skip in (0, 500):
        times, pages = {}, {}
        for f in (today, merged):
            runs = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                pages[f.__name__] = f(lo, hi, skip)
                runs.append(time.perf_counter() - t0)
            times[f.__name__] = sorted(runs)[len(runs) // 2]
        same = pages["today"] == pages["merged"] and len(pages["today"]) == 50
        print(f"{name}, offset {skip}: today {times['today'] * 1000:.2f} ms, merged {times['merged'] * 1000:.2f} ms (medians of {args.runs}); "
              f"{'the same 50 households' if same else 'DIFFERENT pages'}", flush=True)
