#!/usr/bin/env python3
"""Volunteers on a 390-pixel phone: the administrator registers an organization with its administrator's account;
that administrator registers a volunteer with a login (insured), sets up a post and publishes a task for today; the
volunteer logs in, is told to declare their health first, declares, takes the task, reports the hour served; the
organization confirms it; the volunteer's service record shows it, and the register stays closed to them. On the
demo's delivery, gate and call tasks the demo association meets each rule's refusal in words (another county during
a response, no insurance for a risky task, no health declaration today, the hour limit) and one assignment that
passes. Fails on any step or on a horizontal scroll bar."""
import sys
import time
from datetime import datetime, timedelta, timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from phone import Phone

p = Phone(sys.argv[1])
d, base, narrow, shows, login, main_text = p.d, p.base, p.narrow, p.shows, p.login, p.main_text
stamp = str(int(time.time()) % 1000000)
today = datetime.now(timezone(timedelta(hours=8))).date()


def fill(element_id, value):
    d.execute_script("arguments[0].value = arguments[1]", d.find_element(By.ID, element_id), value)


def submit(form_id):
    d.find_element(By.CSS_SELECTOR, f"form#{form_id} button[type=submit]").click()


def task_url(post_words):
    """The demo task of a post, from the hub's list."""
    d.get(base + "/volunteers")
    shows("服务任务")
    return d.find_element(By.XPATH, f"//table[@id='tasks']//a[contains(., '{post_words}')]").get_attribute("href")


def assign(name):
    d.find_element(By.XPATH, f"//table[@id='proposals']//tr[contains(., '{name}')]//button").click()


try:
    # The administrator registers the organization and its administrator's account.
    login("admin")
    d.get(base + "/volunteers")
    shows("登记志愿服务组织")
    narrow("the volunteers' hub as the administrator")
    d.find_element(By.ID, "o_name").send_keys("耒阳市青年志愿者协会" + stamp)
    Select(d.find_element(By.ID, "o_region")).select_by_value("430481000000")
    d.find_element(By.ID, "o_user").send_keys("e2e.org" + stamp)
    d.find_element(By.ID, "o_pass").send_keys("doudi-demo-2026")
    submit("new-org")
    shows("志愿服务组织已登记")

    # Its administrator registers a volunteer with a login and insurance.
    login("e2e.org" + stamp)
    assert d.current_url.endswith("/volunteers"), f"an organization starts at {d.current_url}"
    d.get(base + "/volunteers/people")
    shows("登记志愿者")
    d.find_element(By.ID, "v_name").send_keys("孙志愿")
    d.find_element(By.ID, "v_mobile").send_keys("13807349999")
    Select(d.find_element(By.ID, "v_home")).select_by_value("430481001001")
    d.find_element(By.ID, "vs_delivery").click()
    d.find_element(By.ID, "v_insurer").send_keys("中国人民财产保险")
    d.find_element(By.ID, "v_policy").send_keys("PICC-E2E-" + stamp)
    fill("v_from", (today - timedelta(days=1)).isoformat())
    fill("v_to", (today + timedelta(days=300)).isoformat())
    d.find_element(By.ID, "v_user").send_keys("e2e.vol" + stamp)
    d.find_element(By.ID, "v_pass").send_keys("doudi-demo-2026")
    submit("new-volunteer")
    shows("志愿者已登记")
    assert "138****9999" in main_text(), "the mobile is masked in the list"
    d.find_element(By.XPATH, "//table[@id='people']//tr[contains(., '孙志愿')]//button").click()
    shows("13807349999")
    narrow("the organization's volunteers")

    # A post, then a task on it for today in the demo village.
    d.get(base + "/volunteers")
    Select(d.find_element(By.ID, "p_kind")).select_by_value("necessities")
    d.find_element(By.ID, "p_name").send_keys("代购送药" + stamp)
    submit("new-post")
    shows("岗位已设置")
    Select(d.find_element(By.ID, "k_post")).select_by_visible_text("代购送药" + stamp + "（耒阳市）")
    Select(d.find_element(By.ID, "k_region")).select_by_value("430481001001")
    fill("k_day", today.isoformat())
    fill("k_hours", "1")
    d.find_element(By.ID, "k_note").send_keys("为隔离户代购药品")
    submit("new-task")
    shows("任务已发布")
    task = d.current_url.split("?")[0]
    narrow("the new task with its proposals")

    # The volunteer: health first, then the task, then the hour.
    login("e2e.vol" + stamp)
    assert d.current_url.endswith("/me"), f"a volunteer starts at {d.current_url}"
    shows("今天还没有申报")
    narrow("the volunteer's own page")
    d.find_element(By.ID, "h_temp").send_keys("36.6")
    submit("health")
    shows("可以上岗")
    d.find_element(By.XPATH, f"//table[@id='open']//tr[contains(., '代购送药{stamp}')]//button").click()
    shows("报名成功")
    row = d.find_element(By.XPATH, f"//table[@id='held']//tr[contains(., '代购送药{stamp}')]")
    assert "已接受" in row.text, row.text
    row.find_element(By.CSS_SELECTOR, "input[name=hours]").clear()
    row.find_element(By.CSS_SELECTOR, "input[name=hours]").send_keys("1")
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    shows("等待组织确认")
    d.get(base + "/households")
    assert "无权" in main_text() or "不存在" in main_text(), "the register is closed to a volunteer"

    # The organization confirms; the record shows it.
    login("e2e.org" + stamp)
    d.get(task)
    shows("已服务，待组织确认")
    d.find_element(By.XPATH, "//table[@id='assignments']//button[normalize-space()='确认']").click()
    shows("服务时长已确认")
    login("e2e.vol" + stamp)
    d.get(base + "/me/record")
    shows("经组织确认的服务次数和时长： 1 · 1小时")
    narrow("the service record")

    # The demo association meets each rule in words, and one assignment that passes.
    login("volunteers")
    d.get(task_url("牌楼社区生活物资配送"))
    shows("推荐志愿者")
    narrow("a risky task's proposals")
    for name, words in [("赵敏", "不跨区域开展非必要的线下服务"), ("王强", "没有有效的人身意外伤害保险")]:
        assign(name)
        shows(words)
    assign("李晓梅")
    shows("已安排，等待志愿者接受")
    d.get(task_url("小区卡口防疫值守"))
    assign("王强")
    shows("不带病上岗")
    d.get(task_url("独居老人电话陪伴"))
    assign("刘洋")
    shows("超过岗位的每日或每周服务时长上限")
    narrow("a refusal on a phone")
    d.get(base + "/volunteers/figures")
    shows("志愿者按居住地统计")
    narrow("the figures")
    print("volunteers: ok")
except Exception as e:
    p.failed("volunteers", e)
    sys.exit(1)
finally:
    d.quit()
