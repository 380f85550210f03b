#!/usr/bin/env python3
"""A county officer's downloads opened the way a spreadsheet program opens them (openpyxl): every export of the
dashboard, roll-up, roster and payment roll as XLSX, Chinese headers, region codes and household numbers as text, never a
number like 4.30481E+11; and the same rows as the CSV twin."""
import csv
import io
import re
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import openpyxl

base = sys.argv[1]
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
page = opener.open(base + "/login").read().decode()
token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
opener.open(base + "/login", urllib.parse.urlencode({"username": "county", "password": "doudi-demo-2026", "_csrf": token}).encode())

checked = 0
import datetime
# Last month's roll: the demo's is paid (this month's waits for approval, and a bank's file needs an approved roll).
month = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
roll = f"/assistance/roll?regionCode=430481000000&month={month}"
for path in ["/episodes?status=all", "/rollup?", "/dashboard?table=regions", "/dashboard?table=overdue", "/dashboard?table=leads", roll]:
    name, query = path.split("?")
    book = opener.open(f"{base}{name}.xlsx?{query}").read()
    assert book[:2] == b"PK", f"{name}.xlsx is not a workbook"
    rows = list(openpyxl.load_workbook(io.BytesIO(book)).active.iter_rows(values_only=True))
    text = opener.open(f"{base}{name}.csv?{query}").read().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert len(rows) == len(lines) and len(rows) > 1, f"{name}: {len(rows)} rows in XLSX, {len(lines)} in CSV"
    assert re.search(r"[\u4e00-\u9fff]", "".join(rows[0])), f"{name}: headers not in Chinese: {rows[0]}"
    assert [str(c) for c in rows[0]] == lines[0], f"{name}: headers differ from the CSV's"
    for row in rows[1:]:
        for cell in row:
            if isinstance(cell, (int, float)):
                assert abs(cell) < 10**9, f"{name}: a code read as a number: {cell}"
            elif isinstance(cell, str) and re.fullmatch(r"\d{12}", cell):
                checked += 1
assert checked > 0, "no region code was seen as text"
# The bank's file: whole account numbers, as text (a spreadsheet would round a 19-digit number).
book = openpyxl.load_workbook(io.BytesIO(opener.open(f"{base}/assistance/roll.xlsx?regionCode=430481000000&month={month}").read())).active
rows = list(book.iter_rows(values_only=True))
assert rows[0][-1] == "银行账号" and all(isinstance(r[-1], str) and r[-1].isdigit() and len(r[-1]) >= 12 for r in rows[1:]), rows[:3]
print(f"workbooks ok: {checked} region codes read as text")
