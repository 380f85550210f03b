#!/usr/bin/env python3
"""The village notice as it is posted: the demo village's sheet for a period holds every household entering it,
signed by the right committee (牌楼居委会 signs 牌楼居民委员会), with the supervision telephone, no form wording
and no number of a person; printed through Chromium's print to PDF it is one A4 page."""
import base64
import re
import sys
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support.ui import WebDriverWait

base = sys.argv[1]
o = webdriver.ChromeOptions()
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]:
    o.add_argument(a)
o.binary_location = "/usr/bin/chromium"
d = webdriver.Chrome(service=webdriver.ChromeService("/usr/bin/chromedriver"), options=o)
try:
    d.get(base + "/login")
    d.find_element(By.NAME, "username").send_keys("village")
    d.find_element(By.NAME, "password").send_keys("doudi-demo-2026")
    d.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    WebDriverWait(d, 30).until(lambda drv: "/login" not in drv.current_url)
    d.get(base + "/episodes")
    files = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "tbody a[href*='/episodes/']")]
    sheets = []
    for f in files:
        d.get(f)
        for a in d.find_elements(By.CSS_SELECTOR, "a[href$='/notice']"):
            sheets.append(a.get_attribute("href"))
    assert sheets, "no case file of the demo village has a notice"
    best = None
    for s in sheets:
        d.get(s)
        rows = len(d.find_elements(By.CSS_SELECTOR, ".notice-table tbody tr"))
        if best is None or rows > best[1]:
            best = (s, rows)
    d.get(best[0])
    assert best[1] >= 2, f"the demo village's notice holds {best[1]} household(s), not its batch"
    text = d.find_element(By.CSS_SELECTOR, "article.notice").text
    assert "牌楼居民委员会" in text and "居委会村民委员会" not in text, text[-80:]
    assert "监督电话" in text, "no supervision telephone"
    assert "可多选" not in text, "form wording on a public notice"
    assert not re.search(r"\d{17}[\dX]|1[3-9]\d{9}|\*{4}", text), "a person's number on the notice"
    a4 = PrintOptions()
    a4.page_width, a4.page_height = 21.0, 29.7
    pdf = base64.b64decode(d.print_page(a4))
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert pages == 1, f"the notice prints on {pages} pages"
    assert box and abs(float(box.group(1)) - 595.3) < 2 and abs(float(box.group(2)) - 841.9) < 2, f"not A4: {box and box.groups()}"
    print(f"notice ok: {best[1]} households on one A4 page")
finally:
    d.quit()
