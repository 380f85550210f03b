#!/usr/bin/env python3
"""A child left without a guardian, on a 390-pixel phone: a guardian in isolation reports their child without an
account and gets a tracking code (the township sees it and shows the call-back number); a hospital reports an admitted patient's child; the
township's child supervisor finds the report at the top of their page, acknowledges it with a high risk and
isolation observation ending tomorrow, sees the child listed as soon to be without care, arranges relatives' care
from that moment (a change leaving a gap is refused first), records a follow-up call, refers the case to a school,
which accepts it, lowers the risk with a reason, assesses the child de-facto unsupported; the county's child
protection officer approves the allowance on the carer's pledge, the county approves and pays this month's roll, the
township finds it paid on the case and closes the case (each asked again), then records the village's survey and reads the
figures; the village cadre of the same village cannot open the case. Fails on any step or on a horizontal scroll bar."""
import sys
import time
from datetime import datetime, timedelta, timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from phone import Phone

p = Phone(sys.argv[1])
d, wait, base, narrow, shows, login, main_text = p.d, p.wait, p.base, p.narrow, p.shows, p.login, p.main_text
name = "测试童" + str(int(time.time()) % 100000)
beijing = timezone(timedelta(hours=8))


def minute(dt):
    return dt.astimezone(beijing).strftime("%Y-%m-%dT%H:%M")


def fill(element_id, value):
    d.execute_script("arguments[0].value = arguments[1]", d.find_element(By.ID, element_id), value)


def submit(form_id):
    d.find_element(By.CSS_SELECTOR, f"form#{form_id} button[type=submit]").click()


def confirm():
    """The second page's button: a step that cannot be undone is asked again."""
    d.find_element(By.XPATH, "//form[.//input[@name='confirmed']]//button[@type='submit']").click()


try:
    # A guardian in isolation, without an account: the township, the village, the form, a code.
    d.delete_all_cookies()
    d.get(base + "/login")
    d.find_element(By.CSS_SELECTOR, "a[href='/report/child']").click()
    shows("孩子无人照料")
    Select(d.find_element(By.ID, "tw")).select_by_visible_text("蔡子池街道")
    d.find_element(By.CSS_SELECTOR, "form[action='/report/child'] button[type=submit]").click()
    shows("孩子现在所在的村")
    d.find_element(By.ID, "g_name").send_keys("周某")
    d.find_element(By.ID, "g_mobile").send_keys("13912345670")
    Select(d.find_element(By.ID, "g_absence")).select_by_value("isolated")
    d.find_element(By.ID, "c_name").send_keys(name + "妹")
    Select(d.find_element(By.ID, "c_village")).select_by_visible_text("牌楼居委会")
    d.find_element(By.ID, "c_situation").send_keys("我在集中隔离点，孩子一人在家")
    d.find_element(By.ID, "consent").click()
    d.find_element(By.CSS_SELECTOR, "form[action='/report/child'] button[type=submit]").click()
    shows("报告已收到")
    code = d.find_element(By.CSS_SELECTOR, "main .code").text.strip()
    assert len(code) == 10, f"tracking code {code!r}"
    narrow("a guardian's report received")

    login("hospital")
    assert d.current_url.endswith("/children"), f"a health worker starts at {d.current_url}"
    d.get(base + "/children/new")
    shows("患者（监护人）")
    narrow("the hospital's report form")
    d.find_element(By.ID, "c_name").send_keys(name)
    fill("c_birth", "2017-05-06")
    d.find_element(By.ID, "g_name").send_keys("孙某芳")
    Select(d.find_element(By.ID, "g_absence")).select_by_value("infected")
    d.find_element(By.ID, "c_situation").send_keys("患者入院时告知：丈夫在外地抗疫，孩子独自在家")
    d.find_element(By.CSS_SELECTOR, "form[action='/children'] button[type=submit]").click()
    shows("待确认")
    case_url = d.current_url
    shows("确诊感染")
    narrow("the case as the hospital sees it")

    login("children")
    assert d.current_url.endswith("/children"), f"a child director starts at {d.current_url}"
    shows(name + "妹")
    d.find_element(By.LINK_TEXT, name + "妹").click()
    shows(code)
    d.find_element(By.CSS_SELECTOR, "form#reveal button").click()
    shows("13912345670")
    d.get(base + "/children")
    shows(name)
    narrow("the child director's list")
    d.find_element(By.LINK_TEXT, name).click()
    shows("确认个案并安排照料")
    Select(d.find_element(By.ID, "k_risk")).select_by_value("high")
    Select(d.find_element(By.ID, "k_kind")).select_by_value("isolationObservation")
    d.find_element(By.ID, "k_carer").send_keys("县集中隔离观察点")
    ends = datetime.now(beijing) + timedelta(hours=20)
    fill("k_to", minute(ends))
    submit("acknowledge")
    shows("跟进中")
    shows("县集中隔离观察点")
    narrow("the case acknowledged")

    d.get(base + "/children")
    shows("48小时内照料到期且无后续安排")
    section = d.find_element(By.ID, "ending").text
    assert name in section, "the child whose care ends tomorrow is not listed as soon without care"
    narrow("care ending, on the list")

    d.get(case_url)
    # Relatives from two hours after the isolation ends: refused, the child would be alone in between.
    Select(d.find_element(By.ID, "a_kind")).select_by_value("relativeCare")
    d.find_element(By.ID, "a_carer").send_keys("外婆 李某")
    fill("a_from", minute(ends + timedelta(hours=2)))
    submit("care")
    shows("照料安排不能出现空档")
    narrow("a gap refused")
    fill("a_from", minute(ends))
    submit("care")
    shows("外婆 李某")
    assert "照料安排不能出现空档" not in main_text()

    d.find_element(By.ID, "n_note").send_keys("电话回访：隔离点反馈孩子情况稳定")
    submit("contact")
    shows("隔离点反馈孩子情况稳定")

    Select(d.find_element(By.ID, "f_unit")).select_by_value("school")
    d.find_element(By.ID, "f_name").send_keys("耒阳市第一小学")
    d.find_element(By.ID, "f_note").send_keys("安排网课设备，班主任每日联系")
    submit("refer")
    shows("待接收")
    narrow("referred to a school")

    login("education")
    d.get(base + "/children")
    shows(name)
    d.find_element(By.LINK_TEXT, name).click()
    shows("耒阳市第一小学")
    narrow("the school's view of the referral")
    d.find_element(By.CSS_SELECTOR, "form[id^='answer-'] button[value=acceptReferral]").click()
    shows("已接收")
    assert not d.find_elements(By.ID, "care"), "the school may not change the care"

    login("children")
    d.get(case_url)
    shows("已接收")
    Select(d.find_element(By.ID, "r_risk")).select_by_value("low")
    d.find_element(By.ID, "r_note").send_keys("外婆已确定接收，情况稳定")
    submit("risk")
    shows("低")

    # The category from both parents' situations, then the allowance: approved by the county's child protection
    # officer on the grandmother's pledge, on this month's roll (a draft in the demo), approved and paid by the county.
    Select(d.find_element(By.ID, "p_a")).select_by_value("dead")
    Select(d.find_element(By.ID, "p_b")).select_by_value("imprisoned")
    fill("p_bs", "2025-01-01")
    fill("p_bu", "2030-01-01")
    submit("assess")
    shows("事实无人抚养儿童")
    shows("待县级儿童保护工作人员批准基本生活费")

    login("protection")
    d.get(case_url)
    shows("批准基本生活费")
    assert d.find_element(By.ID, "g_payee").get_attribute("value") == "外婆 李某", "the payee is not the carer in force"
    d.find_element(By.ID, "g_bank").send_keys("6217 0029 2000 1234 567")
    d.find_element(By.CSS_SELECTOR, "form#allowance input[name=papers][value=pledge]").click()
    submit("allowance")
    shows("确认批准该儿童的基本生活费")
    shows("6217***********4567")
    narrow("the allowance asked again")
    confirm()
    shows("事实无人抚养儿童基本生活补贴")
    payments = d.find_element(By.ID, "allowance-payments").text
    assert "待审核" in payments, f"the allowance is not on this month's roll: {payments!r}"
    narrow("the allowance approved")

    login("county")
    d.get(base + "/assistance/roll")
    shows("事实无人抚养儿童基本生活补贴")
    for step, question, after in [("approve", "确定审核通过本月花名册", "已审核，待发放"), ("paid", "确定登记本月花名册已发放", "已发放")]:
        d.find_element(By.XPATH, f"//form[.//input[@name='step'][@value='{step}']]//button").click()
        shows(question)
        confirm()
        shows(after)
    narrow("the roll paid")

    login("children")
    d.get(case_url)
    payments = d.find_element(By.ID, "allowance-payments").text
    assert "已发放" in payments and "1200" in payments, f"the allowance is not shown paid: {payments!r}"
    narrow("the allowance paid, on the case")

    d.find_element(By.ID, "x_note").send_keys("父母解除隔离后接回，监护恢复")
    submit("close")
    shows("确认结案？")
    confirm()
    shows("已结案")
    narrow("the case closed")
    assert not d.find_elements(By.ID, "contact"), "a closed case still offers a follow-up form"

    # The township's figures and the village survey: recorded for the demo village today, counted at once.
    d.get(base + "/children/survey")
    shows("排查完成情况")
    Select(d.find_element(By.ID, "s_village")).select_by_visible_text("蔡子池街道 牌楼居委会")
    d.find_element(By.ID, "s_checked").send_keys("150")
    for box in d.find_elements(By.CSS_SELECTOR, "form#survey input[name=items]"):
        if not box.is_selected():
            box.click()
    submit("survey")
    shows("排查已记录")
    narrow("a village's survey recorded")
    d.get(base + "/children/figures")
    shows("困境儿童统计")
    narrow("the children's figures")

    login("village")
    d.get(case_url)
    shows("不存在")
    assert name not in main_text(), "the village cadre sees the child's case"
    print("children's journey passed")
except Exception as e:
    p.failed("children's journey", e)
    sys.exit(1)
finally:
    d.quit()
