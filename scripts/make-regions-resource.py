#!/usr/bin/env python3
"""Builds Sources/DoudiStore/Resources/regions.tsv from ../shared/data.

One line per region: the code without its trailing zero groups (2/4/6/9/12 digits, so the
length gives the level and the parent is the code cut one group shorter), a tab, the name.
Gzipped, since every new database loads it and the repository keeps it.
"""
import csv, gzip, pathlib, sys
root = pathlib.Path(__file__).resolve().parent.parent
data = root.parent / "shared" / "data"
rows = []
for f in ("regions-cn-2023.csv", "villages-430481.csv"):
    with open(data / f, encoding="utf-8") as fh:
        rows += [(r["code"], r["name"]) for r in csv.DictReader(fh)]
def short(code):
    for n in (2, 4, 6, 9):
        if code[n:] == "0" * (12 - n):
            return code[:n]
    return code
out = "".join(f"{short(c)}\t{n}\n" for c, n in sorted(rows)).encode()
dest = root / "Sources/DoudiStore/Resources/regions.tsv.gz"
with gzip.GzipFile(dest, "wb", mtime=0) as g:
    g.write(out)
print(f"{len(rows)} regions, {len(out)} bytes, {dest.stat().st_size} gzipped", file=sys.stderr)
