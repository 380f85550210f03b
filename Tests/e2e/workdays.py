#!/usr/bin/env python3
"""The working-day calendar on a 390-pixel phone: the county's administrator opens the year, sees the national
holidays and the Saturdays and Sundays worked, sets a county holiday with the page's form, finds it in the list
and in the year's count of working days, then removes it. Fails on any step or on a horizontal scroll bar."""
import re
import sys
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select
from phone import Phone

p = Phone(sys.argv[1])
d, wait, base, narrow = p.d, p.wait, p.base, p.narrow


def working_days():
    m = re.search(r"全年工作日（天）\s*(\d+)", d.find_element(By.TAG_NAME, "main").text)
    assert m, "the page gives no count of working days"
    return int(m.group(1))


try:
    p.login("admin")
    d.find_element(By.LINK_TEXT, "工作日历").click()
    wait.until(EC.presence_of_element_located((By.ID, "c_year")))
    d.find_element(By.ID, "c_year").clear()
    d.find_element(By.ID, "c_year").send_keys("2026")
    d.find_element(By.CSS_SELECTOR, "form[action='/calendar'][method=get] button").click()
    wait.until(EC.url_contains("year=2026"))
    p.shows("2026-02-14 周六")
    narrow("the year 2026")
    text = p.main_text()
    assert "2026-02-14 周六" in text and "调休上班" in text and "春节" in text, "the national days of 2026 are not listed"
    before = working_days()
    # A county holiday on a Monday: Select the county itself, the date as a phone's date picker sends it.
    Select(d.find_element(By.ID, "d_region")).select_by_value("430481000000")
    d.execute_script("document.getElementById('d_date').value = '2026-12-07'")
    Select(d.find_element(By.ID, "d_kind")).select_by_visible_text("放假")
    d.find_element(By.ID, "d_title").send_keys("县庆")
    d.find_element(By.CSS_SELECTOR, "form[action='/calendar'][method=post] button[type=submit]").click()
    p.shows("已保存")
    narrow("a county holiday saved")
    assert "县庆" in d.find_element(By.TAG_NAME, "main").text
    assert working_days() == before - 1, (before, working_days())
    d.find_element(By.XPATH, "//tr[contains(., '县庆')]//button[contains(., '删除本级设置')]").click()
    p.shows("已删除")
    narrow("the county holiday removed")
    assert "县庆" not in d.find_element(By.TAG_NAME, "main").text and working_days() == before
    print("calendar ok")
except Exception as e:
    p.failed("calendar", e)
    sys.exit(1)
finally:
    d.quit()
