#!/usr/bin/env python3
"""A 3866 case walked through its six steps on a 390-pixel phone: the village cadre opens a case from a household's
page (the form filled in from it), finishes the survey and the file, and finds the approval waiting for the
township; the township officer approves and, at the aid step, records a measure (medical aid) referred to the health
department; the health officer finds it on their page, accepts it and records what was given; the township sees
every hand-over on the case's timeline, records the services and closes the case at monitoring after a second page
asks again. Fails on any step or on a horizontal scroll bar."""
import sys
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from phone import Phone

p = Phone(sys.argv[1])
d, wait, base, narrow, shows, login, main_text = p.d, p.wait, p.base, p.narrow, p.shows, p.login, p.main_text


def move(note):
    d.find_element(By.ID, "m_advance").click()
    d.find_element(By.ID, "m_note").send_keys(note)
    d.find_element(By.CSS_SELECTOR, "form[action^='/cases/'] button[type=submit]").click()


def current():
    return d.find_element(By.CSS_SELECTOR, "ol.steps li.current").text


try:
    login("village")
    # A household of the village with no case yet.
    d.get(base + "/households")
    ids = [a.text for a in d.find_elements(By.CSS_SELECTOR, "main table a[href^='/households/H']")]
    household = None
    for h in ids:
        d.get(base + "/cases?status=all&household=" + h)
        if "没有符合条件的个案" in main_text():
            household = h
            break
    assert household, "every household on the first page has a case"
    d.get(base + "/households/" + household)
    d.find_element(By.CSS_SELECTOR, f"a[href='/cases/new?household={household}']").click()
    shows("开立帮扶个案")
    assert d.find_element(By.ID, "o_household").get_attribute("value") == household, "the household was not filled in"
    narrow("new case")
    d.find_element(By.ID, "o_note").send_keys("入户走访发现户主突发重病，家中无稳定收入")
    d.find_element(By.CSS_SELECTOR, "form[action='/cases'] button[type=submit]").click()
    shows("入户走访发现户主突发重病")
    assert current().endswith("摸底"), current()
    narrow("case at survey")
    move("已入户摸底，核实收入和支出")
    shows("已入户摸底")
    assert current().endswith("建档"), current()
    move("已建立一户一档")
    shows("已建立一户一档")
    assert current().endswith("审批"), current()
    assert d.find_elements(By.ID, "m_advance") == [] and "本环节由以下人员办理" in main_text(), "the village may approve"
    url = d.current_url
    narrow("case waiting for approval")

    login("township")
    d.get(url)
    move("乡镇审核同意纳入帮扶")
    shows("乡镇审核同意纳入帮扶")
    assert current().endswith("救助"), current()
    # A measure at the aid step: medical aid, referred to the health department.
    d.find_element(By.CSS_SELECTOR, "details.card summary").click()
    Select(d.find_element(By.ID, "ms_service")).select_by_value("medical")
    Select(d.find_element(By.ID, "ms_refer")).select_by_value("health")
    d.find_element(By.ID, "ms_note").send_keys("住院自付部分较高，转卫健部门医疗救助")
    d.find_element(By.CSS_SELECTOR, "form[action$='/measures'] button[type=submit]").click()
    shows("转介待接收")
    narrow("case with a referred measure")

    login("health")
    assert d.current_url.endswith("/measures"), d.current_url
    shows("转介给本部门的措施")
    narrow("department's referrals")
    rows = [r for r in d.find_elements(By.CSS_SELECTOR, "main table tbody tr") if household in r.text]
    assert rows, "the referral is not on the health department's page"
    rows[0].find_element(By.CSS_SELECTOR, "a[href^='/measures/']").click()
    shows("住院自付部分较高")
    for move_id, note, status in [("mv_accept", "纳入医疗救助", "落实中"), ("mv_finish", "报销住院费用8000元", "已落实")]:
        d.find_element(By.ID, move_id).click()
        d.find_element(By.ID, "mv_note").send_keys(note)
        d.find_element(By.CSS_SELECTOR, "form[action^='/measures/'] button[type=submit]").click()
        shows(note)
        assert status in main_text(), status
    narrow("measure given by the department")
    assert "/cases/" not in d.page_source, "the department is shown a link into the case"

    login("township")
    d.get(url)
    shows("报销住院费用8000元")
    assert "部门接收措施" in main_text() and "措施已落实" in main_text(), "the hand-overs are not on the case's timeline"
    for note, step in [("已落实临时救助和医疗救助", "服务"), ("已对接就业帮扶", "监测")]:
        move(note)
        shows(note)
        assert current().endswith(step), current()
    narrow("case at monitoring")
    d.find_element(By.ID, "m_close").click()
    d.find_element(By.ID, "m_note").send_keys("连续三个月收入稳定，户情稳定")
    d.find_element(By.CSS_SELECTOR, "form[action^='/cases/'] button[type=submit]").click()
    shows("确定结案吗")
    narrow("close asked again")
    d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    shows("已结案")
    assert "连续三个月收入稳定" in main_text() and d.find_elements(By.ID, "m_note") == [], "closed, yet a form is offered"
    narrow("case closed")
    print("case journey passed")
except Exception as e:
    p.failed("case journey", e)
    sys.exit(1)
finally:
    d.quit()
