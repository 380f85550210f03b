#!/usr/bin/env python3
"""A helper's visit made without a network, on a 390-pixel phone in Chromium: the village cadre opens 我的走访 with
signal (the page is kept by its service worker), the network is cut (Chromium's offline emulation), the page opens
again from the phone, a visit is recorded and shown as waiting, still waiting after the page is opened again; when
the network returns it is sent by itself, with the photo taken offline (kept smaller on the phone, made 1280 pixels
wide by the server), and the same visit sent a second time (a lost answer, a retry) is stored once. Fails on any
step or on a horizontal scroll bar."""
import os
import struct
import sys
import tempfile
import time
import zlib
from selenium.webdriver.common.by import By
from phone import Phone

p = Phone(sys.argv[1])
d, wait, base, narrow, shows, login, main_text = p.d, p.wait, p.base, p.narrow, p.shows, p.login, p.main_text


def network(online):
    d.execute_cdp_cmd("Network.enable", {})
    d.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": not online, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def until(script, what, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        if d.execute_async_script(script):
            return
        time.sleep(0.3)
    raise AssertionError(what)


def waiting():
    """How many visits the page says are waiting (its text, whether the box is on screen or not)."""
    return d.execute_script("const e = document.getElementById('pending-count'); return e ? e.textContent : null")


def photo(width=1600, height=1200):
    """A PNG as a phone's screenshot would be: the left half red, the right half blue."""
    row = b"\x00" + bytes((200, 30, 30)) * (width // 2) + bytes((30, 30, 200)) * (width - width // 2)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b"")
    path = os.path.join(tempfile.mkdtemp(), "visit.png")
    with open(path, "wb") as f:
        f.write(png)
    return path


KEPT = "const done = arguments[arguments.length - 1]; caches.match('/visits').then(r => done(!!r)).catch(() => done(false));"
CONTROLLED = "const done = arguments[arguments.length - 1]; navigator.serviceWorker.ready.then(() => done(!!navigator.serviceWorker.controller));"

try:
    login("village")
    d.get(base + "/visits")
    shows("我的走访")
    narrow("my visits")
    until(KEPT, "the page was not kept for offline use")
    d.get(base + "/visits")
    until(CONTROLLED, "the service worker does not control the page")

    network(False)
    d.get(base + "/visits")
    shows("我的走访")
    assert d.execute_script("return navigator.onLine") is False, "the browser thinks it is online"
    option = d.find_element(By.CSS_SELECTOR, "#v_household option")
    household, head = option.get_attribute("value"), option.text.split(" · ")[0]
    d.find_element(By.ID, "v_met").send_keys("户主本人")
    d.find_element(By.ID, "v_findings").send_keys("离线走访：户主身体恢复，已返岗务工")
    d.find_element(By.ID, "v_needs").send_keys("希望继续享受医疗救助")
    d.find_element(By.ID, "v_photos").send_keys(photo())
    d.find_element(By.CSS_SELECTOR, "#visit-form button[type=submit]").click()
    wait.until(lambda drv: waiting() == "1")
    pending = d.execute_script("return document.getElementById('pending').textContent")
    assert "待发送" in pending and head in pending and "1张照片" in pending, pending
    shows("恢复网络后自动发送")
    narrow("a visit waiting")
    d.get(base + "/visits")
    wait.until(lambda drv: waiting() == "1")
    queued = d.execute_script("return JSON.parse(localStorage.getItem('doudi.visits.queue'))")
    assert len(queued) == 1 and queued[0]["householdId"] == household, [{k: v for k, v in q.items() if k != "photos"} for q in queued]
    kept = [x[:30] for x in queued[0].get("photos", [])]
    assert len(kept) == 1 and kept[0].startswith("data:image/jpeg"), f"the photo is not kept on the phone: {kept}"

    network(True)
    d.execute_script("window.dispatchEvent(new Event('online'))")
    wait.until(lambda drv: waiting() == "0")
    shows("已发送1条走访记录")
    # The same visit again, as a phone that never got the first answer would send it: stored once.
    again = d.execute_async_script("""
        const done = arguments[arguments.length - 1], v = arguments[0];
        const body = new URLSearchParams({householdId: v.householdId, date: v.date, met: v.met, findings: v.findings, needs: v.needs, key: v.key,
                                          _csrf: document.querySelector('#visit-form input[name=_csrf]').value});
        fetch('/visits', {method: 'POST', body, headers: {Accept: 'application/json'}, redirect: 'manual'}).then(r => done(r.status)).catch(e => done(String(e)));
    """, queued[0])
    assert again == 201, again
    d.get(base + "/households/" + household)
    shows("离线走访：户主身体恢复")
    count = main_text().count("离线走访：户主身体恢复")
    assert count == 1, f"the visit is shown {count} times"
    thumbs = d.find_elements(By.CSS_SELECTOR, ".photos img")
    assert len(thumbs) >= 1, "the visit's photo is not shown"
    size = d.execute_async_script("""
        const done = arguments[arguments.length - 1], img = new Image();
        img.onload = () => done([img.naturalWidth, img.naturalHeight]); img.onerror = () => done(null);
        img.src = arguments[0].closest('a').getAttribute('href');
    """, thumbs[0])
    assert size == [1280, 960], f"the photo is stored at {size}, not 1280 × 960"
    print("offline visit journey passed")
except Exception as e:
    p.failed("offline visit journey", e)
    sys.exit(1)
finally:
    d.quit()
