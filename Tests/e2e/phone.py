"""What the browser checks share: Chromium as a 390-pixel phone, and the steps every journey takes."""
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


class Phone:
    def __init__(self, base):
        o = webdriver.ChromeOptions()
        for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]:
            o.add_argument(a)
        o.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2}})
        o.binary_location = "/usr/bin/chromium"
        self.base = base
        self.d = webdriver.Chrome(service=webdriver.ChromeService("/usr/bin/chromedriver"), options=o)
        self.wait = WebDriverWait(self.d, 30)
        self.step = "start"

    def narrow(self, page):
        """Names the step reached, and fails when the page scrolls sideways."""
        self.step = page
        w = self.d.execute_script("return document.documentElement.scrollWidth")
        assert w <= 390, f"{page}: {w} px wide"

    def main_text(self):
        return self.d.find_element(By.TAG_NAME, "main").text

    def shows(self, text):
        """Waits until the page shows `text`; a page still being replaced counts as not yet."""
        def check(drv):
            try:
                return text in drv.find_element(By.TAG_NAME, "main").text
            except WebDriverException:
                return False
        self.wait.until(check)

    def login(self, user):
        self.d.delete_all_cookies()
        self.d.get(self.base + "/login")
        self.d.find_element(By.NAME, "username").send_keys(user)
        self.d.find_element(By.NAME, "password").send_keys("doudi-demo-2026")
        self.d.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
        self.wait.until(EC.url_changes(self.base + "/login"))

    def failed(self, name, e):
        first = (str(e).strip().splitlines() or [""])[0]
        print(f"{name} failed after {self.step!r} at {self.d.current_url}: {type(e).__name__}: {first}")
