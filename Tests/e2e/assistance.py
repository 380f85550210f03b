#!/usr/bin/env python3
"""A benefit application on a 390-pixel phone, from the village to the county: the village cadre hands one in
from a household's page; the township officer accepts it, records the home visit and proposes the amount; the
village posts the notice; the county officer approves an application of the demo that waits for approval and
reads its timeline. Fails on any step or on a horizontal scroll bar."""
import sys
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from phone import Phone

p = Phone(sys.argv[1])
d, wait, base, narrow, shows, login, main_text = p.d, p.wait, p.base, p.narrow, p.shows, p.login, p.main_text


def submit(action):
    d.find_element(By.CSS_SELECTOR, f"form:has(input[name=action][value={action}]) button[type=submit]").click()


try:
    login("village")
    d.get(base + "/households")
    d.find_elements(By.CSS_SELECTOR, "tbody a")[-1].click()
    d.find_element(By.LINK_TEXT, "申请救助").click()
    wait.until(EC.presence_of_element_located((By.ID, "n_kind")))
    narrow("new application")
    d.find_element(By.ID, "i_wages").send_keys("3600")
    d.find_element(By.ID, "i_excluded").send_keys("1200")
    d.find_element(By.ID, "a_0").send_keys("存款（元）")
    d.find_element(By.ID, "v_0").send_keys("5000")
    d.find_element(By.CSS_SELECTOR, "form[action='/assistance/new'] button[type=submit]").click()
    shows("授权书")  # not signed yet: refused, the rest kept
    assert d.find_element(By.ID, "i_wages").get_attribute("value") == "3600", "what was typed was lost"
    d.find_element(By.ID, "n_auth").click()
    d.find_element(By.CSS_SELECTOR, "form[action='/assistance/new'] button[type=submit]").click()
    wait.until(lambda drv: drv.current_url.rstrip("/").split("/")[-1].isdigit())
    shows("受理")
    application = d.current_url
    assert "/assistance/" in application and "乡镇干部" in main_text(), main_text()[:200]
    narrow("application handed in")

    login("township")
    d.get(application)
    submit("accept")
    shows("已保存")
    d.find_element(By.ID, "h_note").send_keys("入户调查：务工收入不稳定，邻里反映属实")
    submit("homeVisit")
    shows("已保存")
    d.find_element(By.ID, "o_amount").send_keys("450")
    d.find_element(By.CSS_SELECTOR, "form:has(input[name=approve][value='1']) button[type=submit]").click()
    shows("拟保障金额")
    narrow("proposed")

    login("village")
    d.get(application)
    submit("startNotice")
    shows("公示期")
    narrow("notice posted")
    text = main_text()
    for done in ["受理救助申请", "登记入户调查", "乡镇提出审核意见（拟保障）", "张贴救助公示"]:
        assert done in text, f"the timeline lacks {done}"

    login("county")
    d.get(base + "/assistance?status=running")
    narrow("applications")
    rows = [r for r in d.find_elements(By.CSS_SELECTOR, "tbody tr") if "审批" in r.text]
    assert rows, "no application waits for the county's approval"
    rows[0].find_element(By.CSS_SELECTOR, "a").click()
    wait.until(EC.presence_of_element_located((By.ID, "p_amount")))
    if d.find_elements(By.ID, "cv_note"):
        d.find_element(By.ID, "cv_note").send_keys("县级入户抽查：情况属实")
        submit("countyVisit")
        shows("县级已入户抽查")
    submit("approve")
    shows("已批准")
    narrow("approved")
    print("assistance ok")
except Exception as e:
    p.failed("assistance", e)
    sys.exit(1)
finally:
    d.quit()
