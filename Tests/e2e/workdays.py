#!/usr/bin/env python3
"""The working-day calendar on a 390-pixel phone: the county's administrator opens the year, sees the national
holidays and the Saturdays and Sundays worked, sets a county holiday with the page's form, finds it in the list
and in the year's count of working days, then removes it. Fails on any step or on a horizontal scroll bar."""
import re
import sys
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

base = sys.argv[1]
o = webdriver.ChromeOptions()
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]:
    o.add_argument(a)
o.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2}})
o.binary_location = "/usr/bin/chromium"
d = webdriver.Chrome(service=webdriver.ChromeService("/usr/bin/chromedriver"), options=o)
wait = WebDriverWait(d, 30)
step = "start"


def narrow(page):
    global step
    step = page
    w = d.execute_script("return document.documentElement.scrollWidth")
    assert w <= 390, f"{page}: {w} px wide"


def working_days():
    m = re.search(r"全年工作日（天）\s*(\d+)", d.find_element(By.TAG_NAME, "main").text)
    assert m, "the page gives no count of working days"
    return int(m.group(1))


try:
    d.get(base + "/login")
    d.find_element(By.NAME, "username").send_keys("admin")
    d.find_element(By.NAME, "password").send_keys("doudi-demo-2026")
    d.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    wait.until(EC.url_changes(base + "/login"))
    d.find_element(By.LINK_TEXT, "工作日历").click()
    wait.until(EC.presence_of_element_located((By.ID, "c_year")))
    d.find_element(By.ID, "c_year").clear()
    d.find_element(By.ID, "c_year").send_keys("2026")
    d.find_element(By.CSS_SELECTOR, "form[action='/calendar'][method=get] button").click()
    wait.until(EC.url_contains("year=2026"))
    narrow("the year 2026")
    text = d.find_element(By.TAG_NAME, "main").text
    assert "2026-02-14 周六" in text and "调休上班" in text and "春节" in text, "the national days of 2026 are not listed"
    before = working_days()
    # A county holiday on a Monday: Select the county itself, the date as a phone's date picker sends it.
    Select(d.find_element(By.ID, "d_region")).select_by_value("430481000000")
    d.execute_script("document.getElementById('d_date').value = '2026-12-07'")
    Select(d.find_element(By.ID, "d_kind")).select_by_visible_text("放假")
    d.find_element(By.ID, "d_title").send_keys("县庆")
    d.find_element(By.CSS_SELECTOR, "form[action='/calendar'][method=post] button[type=submit]").click()
    wait.until(lambda drv: "已保存" in drv.find_element(By.TAG_NAME, "main").text)
    narrow("a county holiday saved")
    assert "县庆" in d.find_element(By.TAG_NAME, "main").text
    assert working_days() == before - 1, (before, working_days())
    d.find_element(By.XPATH, "//tr[contains(., '县庆')]//button[contains(., '删除本级设置')]").click()
    wait.until(lambda drv: "已删除" in drv.find_element(By.TAG_NAME, "main").text)
    narrow("the county holiday removed")
    assert "县庆" not in d.find_element(By.TAG_NAME, "main").text and working_days() == before
    print("calendar ok")
except Exception as e:
    first = (str(e).strip().splitlines() or [""])[0]
    print(f"calendar failed after {step!r} at {d.current_url}: {type(e).__name__}: {first}")
    sys.exit(1)
finally:
    d.quit()
