#!/usr/bin/env python3
"""A change of a benefit on a 390-pixel phone: the township officer opens an approved application of the demo,
goes to its benefit, records that the household's income has changed, reads on the second page how it will be
paid from next month (the standard's arithmetic and each month's amount), confirms, and finds the change in
the benefit's record; a change without a reason is refused with the reason asked for and what was typed kept.
Fails on any step or on a horizontal scroll bar."""
import sys
from selenium.webdriver.common.by import By
from phone import Phone

p = Phone(sys.argv[1])
d, wait, base, narrow, shows, login, main_text = p.d, p.wait, p.base, p.narrow, p.shows, p.login, p.main_text

try:
    login("township")
    d.get(base + "/assistance?status=approved")
    links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "main tbody a[href*='/assistance/']")]
    benefit = None
    for href in links:
        d.get(href)
        found = d.find_elements(By.CSS_SELECTOR, "main a[href*='/assistance/benefits/']")
        if found:
            benefit = found[0].get_attribute("href")
            break
    assert benefit, "no approved application of the township links to its benefit"
    d.get(benefit)
    shows("本月发放")
    narrow("benefit")
    # No reason: refused, asked for, the income typed kept.
    wages = d.find_element(By.ID, "i_wages")
    wages.clear()
    wages.send_keys("1200")
    reason = d.find_element(By.ID, "c_reason")
    d.execute_script("arguments[0].removeAttribute('required')", reason)
    d.find_element(By.CSS_SELECTOR, f"form[action$='{benefit.split('/')[-1]}'] button[type=submit]").click()
    shows("请填写变更原因")
    assert d.find_element(By.ID, "i_wages").get_attribute("value") == "1200", "what was typed was lost"
    narrow("change refused")
    d.find_element(By.ID, "c_reason").send_keys("家庭成员务工收入减少")
    d.find_element(By.CSS_SELECTOR, f"form[action$='{benefit.split('/')[-1]}'] button[type=submit]").click()
    shows("确定按以下结果登记变更")
    text = main_text()
    assert "调整金额" in text and "人均月收入 / 低保标准" in text, text[:300]
    narrow("change asked again")
    d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    shows("变更记录")
    shows("家庭成员务工收入减少")
    assert "以后各月发放金额" in main_text(), main_text()[:300]
    narrow("change recorded")
    print("benefit change journey passed")
except Exception as e:
    p.failed("benefit change journey", e)
    sys.exit(1)
finally:
    d.quit()
