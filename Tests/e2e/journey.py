#!/usr/bin/env python3
"""Browser journey on a 390-pixel-wide phone: log in as a village cadre, search, open a household,
reveal one resident ID, switch to English; verify a lead, take a step of its identification, see the
roster, dashboard and roll-up. Fails on any step, on a horizontal scroll bar, or on a
request to another host."""
import json
import sys
from urllib.parse import urlsplit
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

base = sys.argv[1]
o = webdriver.ChromeOptions()
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]:
    o.add_argument(a)
o.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2}})
o.set_capability("goog:loggingPrefs", {"performance": "ALL"})
o.binary_location = "/usr/bin/chromium"
d = webdriver.Chrome(service=webdriver.ChromeService("/usr/bin/chromedriver"), options=o)
own = urlsplit(base).netloc


def other_hosts(log):
    """The URLs of requests the pages made to any host but Doudi's own (data: and blob: URLs stay local)."""
    out = []
    for entry in log:
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") != "Network.requestWillBeSent":
            continue
        url = msg["params"]["request"]["url"]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != own:
            out.append(url)
    return out


step = "start"
try:
    def narrow(page):
        global step
        step = page
        w = d.execute_script("return document.documentElement.scrollWidth")
        assert w <= 390, f"{page}: {w} px wide"

    d.get(base + "/")
    assert "/login" in d.current_url, d.current_url
    narrow("login")
    d.find_element(By.NAME, "username").send_keys("village")
    d.find_element(By.NAME, "password").send_keys("doudi-demo-2026")
    d.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    wait = WebDriverWait(d, 30)

    def shows(text):
        """Waits until the page shows `text`; a page still being replaced counts as not yet."""
        def check(drv):
            try:
                return text in drv.find_element(By.TAG_NAME, "main").text
            except WebDriverException:
                return False
        wait.until(check)
    wait.until(EC.url_contains("/households"))
    assert "户籍登记" in d.page_source
    narrow("households")
    first = d.find_element(By.CSS_SELECTOR, "tbody a")
    name = d.find_elements(By.CSS_SELECTOR, "tbody td")[1].text
    d.find_element(By.NAME, "q").send_keys(name)
    d.find_element(By.CSS_SELECTOR, "main form button").click()
    wait.until(EC.url_contains("q="))
    assert name in d.page_source
    d.find_element(By.CSS_SELECTOR, "tbody a").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "dd.mono")))
    narrow("household")
    masked = d.find_elements(By.CSS_SELECTOR, "dd.mono")[0].text
    assert "********" in masked, masked
    d.find_element(By.CSS_SELECTOR, "form[action$='/reveal'] button").click()
    wait.until(EC.url_contains("/reveal"))
    full = d.find_elements(By.CSS_SELECTOR, "dd.mono")[0].text
    assert "*" not in full and len(full) == 18, full
    d.find_element(By.LINK_TEXT, "English").click()
    shows("Members")
    narrow("household (en)")
    # Early warning: verify an open lead on its page, take the pledge step, then the roster, dashboard and roll-up.
    d.find_element(By.PARTIAL_LINK_TEXT, "中文").click() if d.find_elements(By.PARTIAL_LINK_TEXT, "中文") else d.get(base + "/lang?to=zh")
    d.get(base + "/leads?")
    rows = [r for r in d.find_elements(By.CSS_SELECTOR, "tbody tr") if "待核实" in r.text]
    assert rows, "the demo village has an open lead"
    rows[0].find_element(By.CSS_SELECTOR, "a[href^='/leads/']").click()
    wait.until(EC.presence_of_element_located((By.NAME, "decision")))
    narrow("lead")
    d.find_element(By.ID, "d_c").click()
    d.find_element(By.CSS_SELECTOR, "#d_type option[value=suddenHardship]").click()
    if not d.find_elements(By.CSS_SELECTOR, "input[name=riskKinds]:checked"):
        d.find_element(By.CSS_SELECTOR, "input[name=riskKinds]").click()
    d.find_element(By.CSS_SELECTOR, "form[action^='/leads/'] button[type=submit]").click()
    wait.until(EC.presence_of_element_located((By.LINK_TEXT, "监测档案")))
    d.find_element(By.LINK_TEXT, "监测档案").click()
    shows("农户承诺授权")
    narrow("case file")
    d.find_element(By.ID, "c_note").send_keys("已签承诺授权书")
    d.find_element(By.XPATH, "//button[contains(., '办结本环节')]").click()
    shows("村民主评议")
    for path, text in [("/episodes", "监测对象"), ("/dashboard", "数据看板"), ("/rollup", "日汇总")]:
        d.get(base + path)
        assert text in d.page_source, path
        assert path != "/dashboard" or "<svg" in d.page_source, "the dashboard draws its chart"
        narrow(path)
    step = "requests to other hosts"
    elsewhere = other_hosts(d.get_log("performance"))
    assert not elsewhere, "request to another host: " + elsewhere[0]
    # The check itself must be able to fire: a request to another loopback address is caught.
    d.execute_script("new Image().src = 'http://127.0.0.2:9/probe.png'")
    import time
    time.sleep(1)
    assert any("127.0.0.2" in u for u in other_hosts(d.get_log("performance"))), "the other-host check saw no request to 127.0.0.2"
    print("journey ok")
except Exception as e:
    first = (str(e).strip().splitlines() or [""])[0]
    print(f"journey failed after {step!r} at {d.current_url}: {type(e).__name__}: {first}")
    sys.exit(1)
finally:
    d.quit()
