#!/usr/bin/env python3
"""Economic-status checks and the county's figures on a 390-pixel phone: the county officer finds an application
being checked, reveals a covered member's resident ID (a logged full view), uploads a department's file with a
bad row (the line is named, nothing saved), then the corrected file (saved), and sees the deposits over the limit
on the application; then the month's figures by township, with both exports. Fails on any step or on a
horizontal scroll bar."""
import os, re, sys, tempfile, time, urllib.request
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from phone import Phone

p = Phone(sys.argv[1])
d, wait, base, narrow, shows, login, main_text = p.d, p.wait, p.base, p.narrow, p.shows, p.login, p.main_text

try:
    login("county")
    d.get(base + "/assistance?status=running")
    d.find_elements(By.CSS_SELECTOR, "tbody td.title a")[0].click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "main dl")))
    application = d.current_url
    d.find_element(By.CSS_SELECTOR, "main dd a[href^='/households/']").click()
    d.find_element(By.CSS_SELECTOR, "form[action$='/reveal'] button[type=submit]").click()
    shows("完整")
    rid = re.search(r"\b\d{17}[\dX]\b", main_text()).group(0)
    today = time.strftime("%Y-%m-%d")
    folder = tempfile.mkdtemp()
    bad, good = os.path.join(folder, "银行-有误.csv"), os.path.join(folder, "银行.csv")
    open(bad, "w", encoding="utf-8").write(f"身份证号码,核对类别,数值,核对日期,项目说明\n{rid},银行存款,50000,{today},活期\n{rid},银行存款,五万,{today},定期\n")
    open(good, "w", encoding="utf-8").write(f"身份证号码,核对类别,数值,核对日期,项目说明\n{rid},银行存款,50000,{today},活期\n")

    d.get(base + "/assistance")
    d.find_element(By.LINK_TEXT, "导入核对结果").click()
    narrow("checks")
    d.find_element(By.ID, "cf").send_keys(bad)
    d.find_element(By.CSS_SELECTOR, "form[action='/assistance/checks'] button[type=submit]").click()
    shows("整个文件未保存")
    cells = [c.text for c in d.find_elements(By.CSS_SELECTOR, "td[data-label='行']")]
    assert cells == ["3"], f"the report names lines {cells}, not line 3"
    narrow("a file refused")
    d.find_element(By.ID, "cf").send_keys(good)
    d.find_element(By.CSS_SELECTOR, "form[action='/assistance/checks'] button[type=submit]").click()
    shows("已保存")
    narrow("a file loaded")

    d.get(application)
    shows("核对结果")
    assert "超过限额" in main_text(), "the deposits over the limit are not shown to the reviewer"
    narrow("an application with its checks")

    d.get(base + "/assistance")
    d.find_element(By.LINK_TEXT, "救助统计").click()
    shows("合计")
    rows = d.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) >= 2 and rows[-1].find_element(By.CSS_SELECTOR, "td.title").text == "合计", "no township rows and total"
    narrow("figures")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in d.get_cookies())
    for link in d.find_elements(By.CSS_SELECTOR, "a[href^='/assistance/figures.']"):
        href = link.get_attribute("href")
        body = urllib.request.urlopen(urllib.request.Request(href, headers={"Cookie": cookie})).read()
        assert body[:2] == b"PK" if ".xlsx" in href else "合计".encode() in body, f"{href} is not the figures"
    print("checks ok")
except Exception as e:
    p.failed("checks", e)
    sys.exit(1)
finally:
    d.quit()
