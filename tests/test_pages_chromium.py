"""The pages in a real browser: ``tongbu serve OUT`` as its own process, headless Chromium driven by
selenium (Debian's ``chromium`` and ``chromium-driver``), QR codes read back by zbar's ``zbarimg`` (an
independent decoder) and PDFs rasterised by poppler's ``pdftoppm``.

At a phone's viewport (375×812, 2× pixels, an iPhone user agent) and a desktop one, a teacher's and a
class's page render with their Chinese text, without sideways scrolling on the phone, and the QR code
on the screenshot decodes to the page's own address, which opens the same page. The school's QR sheet
decodes to exactly its teachers' and classes' pages, on screen, printed to PDF by Chromium and as the
sheet.pdf download. Screenshots are kept in each test's tmp dir. Without a tool the test skips, naming
the package (.ci/run installs them).
"""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from test_feeds_fixtures import scenario, solution
from test_serve import Served

from feeds import write_feeds
from feeds.tokens import ensure_tokens
from feeds.writer import feed_id
from reports import write_all

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PHONE = {"width": 375, "height": 812, "pixelRatio": 2}
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")


def need(path: str, package: str) -> str:
    found = shutil.which(Path(path).name) or (path if Path(path).exists() else None)
    if found is None:
        pytest.skip(f"{Path(path).name} is not installed (apt-get install -y {package}); pages not checked in a browser")
    return found


def decode(png: Path) -> list[str]:
    """Every QR code zbarimg finds in an image, as text."""
    done = subprocess.run([need("/usr/bin/zbarimg", "zbar-tools"), "-q", "--raw", str(png)], capture_output=True,
                          text=True, timeout=60, check=False)
    return [line for line in done.stdout.splitlines() if line]


def pdf_codes(pdf: Path) -> tuple[int, list[str]]:
    """(pages, QR codes found on them) of a PDF rasterised at 300 dpi, an office printer's resolution (at 150 dpi
    zbar missed one of three codes in one CI run: the codes hold random tokens, so the rasterised modules differ)."""
    subprocess.run([need("/usr/bin/pdftoppm", "poppler-utils"), "-r", "300", "-png", str(pdf), str(pdf.with_suffix(""))],
                   check=True, capture_output=True, timeout=120)
    pages = sorted(pdf.parent.glob(pdf.stem + "-*.png"))
    return len(pages), [code for page in pages for code in decode(page)]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    need(CHROMIUM, "chromium")
    need(DRIVER, "chromium-driver")
    need("/usr/bin/zbarimg", "zbar-tools")
    out = tmp_path_factory.mktemp("pages") / "OUT"
    out.mkdir()
    write_all(scenario(), solution(), out)
    write_feeds(scenario(), solution(), out)
    ensure_tokens(out)
    server = Served(out)  # links and QR codes on the listening address, so the browser can follow them
    yield out, server
    assert server.stop() == 0, server.errors()


def browser(phone: bool):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--lang=zh-CN"):
        options.add_argument(argument)
    if phone:
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": PHONE, "userAgent": IPHONE})
    else:
        options.add_argument("--window-size=1280,900")
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def full_screenshot(driver, path: Path) -> Path:  # type: ignore[no-untyped-def]
    """The whole page, beyond the viewport (Chrome DevTools Protocol)."""
    width = driver.execute_script("return document.documentElement.scrollWidth")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def token(out: Path, kind: str, of: str) -> str:
    value = ensure_tokens(out)[feed_id(kind, of)]
    assert value
    return value


@pytest.mark.parametrize("phone", [True, False], ids=["phone-375x812", "desktop-1280x900"])
def test_teacher_and_class_pages_render_and_their_qr_opens_them(served, phone: bool, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    out, server = served
    cases = [
        ("teacher", "T1", "2026-09-07", ["张老师（彭水一小）", "第2周（9月7日–9月13日）", "08:00–09:30",
                                         "数学 · 彭水一小 4(1)班 · 张老师", "订阅到手机日历", "一键订阅"]),
        ("class", "S2-4-1", "2026-09-09", ["新田镇小学 4(1)班", "同步课堂·接收", "主讲：彭水一小 4(1)班",
                                           "14:30–15:10", "课表 Excel（XLSX）"]),
    ]
    driver = browser(phone)
    try:
        for kind, of, day, texts in cases:
            page = f"{server.url}/p/{token(out, kind, of)}/"
            driver.get(f"{page}?date={day}")
            body = driver.find_element(By.TAG_NAME, "body").text
            for text in texts:
                assert text in body, (kind, text)
            if phone:
                assert driver.execute_script("return document.documentElement.scrollWidth") <= PHONE["width"]
                assert driver.execute_script("return window.innerWidth") == PHONE["width"]
            shot = full_screenshot(driver, tmp_path / f"{kind}-{'phone' if phone else 'desktop'}.png")
            assert decode(shot) == [page], shot
            driver.get(decode(shot)[0])  # the QR code opens this very page
            assert texts[0] in driver.find_element(By.TAG_NAME, "body").text
    finally:
        driver.quit()


def test_the_school_qr_sheet_decodes_to_its_teachers_and_classes(served, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    out, server = served
    expected = sorted(f"{server.url}/p/{token(out, kind, of)}/"
                      for kind, of in (("teacher", "T1"), ("teacher", "T2"), ("class", "S1-4-1")))
    sheet = f"{server.url}/p/{token(out, 'school', 'S1')}/sheet/"
    driver = browser(phone=False)
    try:
        driver.get(sheet)
        body = driver.find_element(By.TAG_NAME, "body").text
        for text in ("彭水一小 课表订阅二维码", "教师（2）", "班级（1）", "张老师（彭水一小）", "李老师（彭水一小）", "彭水一小 4(1)班"):
            assert text in body, text
        assert sorted(decode(full_screenshot(driver, tmp_path / "sheet.png"))) == expected
        printed = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
        (tmp_path / "sheet-printed.pdf").write_bytes(base64.b64decode(printed["data"]))
    finally:
        driver.quit()
    pages, codes = pdf_codes(tmp_path / "sheet-printed.pdf")
    assert pages == 1 and sorted(codes) == expected  # the A4 print: one page, every code readable
    download = httpx.get(sheet.replace("/sheet/", "/sheet.pdf"), timeout=30)
    (tmp_path / "sheet-download.pdf").write_bytes(download.content)
    assert sorted(pdf_codes(tmp_path / "sheet-download.pdf")[1]) == expected


def test_a_page_without_the_right_token_is_404(served) -> None:
    from selenium.webdriver.common.by import By

    out, server = served
    teacher = token(out, "teacher", "T1")
    for path in ("/p/", "/p/" + "A" * 43 + "/", f"/p/{teacher[:-1]}/", f"/p/{teacher}/sheet/", "/timetables/"):
        assert httpx.get(server.url + path, timeout=10).status_code == 404, path
    driver = browser(phone=True)
    try:
        driver.get(f"{server.url}/p/{'B' * 43}/")
        assert driver.find_element(By.TAG_NAME, "body").text.strip() == "not found / 未找到"
    finally:
        driver.quit()


def test_a_published_county(tmp_path: Path) -> None:
    """With TONGBU_PAGES_OUT naming a published OUT (e.g. the demo's out/pengshui): a teacher's page on a
    phone and their school's QR sheet, every code decoded to that school's teachers' and classes' pages."""
    import os

    from selenium.webdriver.common.by import By

    given = os.environ.get("TONGBU_PAGES_OUT")
    if not given:
        pytest.skip("set TONGBU_PAGES_OUT=OUT (a published OUT, e.g. out/pengshui after make demo) to check its pages")
    out = Path(given)
    need(CHROMIUM, "chromium")
    need(DRIVER, "chromium-driver")
    tokens = ensure_tokens(out)
    from feeds.tokens import read_manifest

    feeds = read_manifest(out)["feeds"]
    teacher = next(f for f in sorted(feeds, key=lambda f: f["id"]) if f["kind"] == "teacher" and f["events"] > 100)
    school = next(f for f in feeds if f["kind"] == "school" and f["of"] == teacher["schools"][0])
    server = Served(out)
    try:
        driver = browser(phone=True)
        try:
            page = f"{server.url}/p/{tokens[teacher['id']]}/"
            driver.get(page)
            body = driver.find_element(By.TAG_NAME, "body").text
            assert teacher["label"] in body and "订阅到手机日历" in body
            assert decode(full_screenshot(driver, tmp_path / "teacher-phone.png")) == [page]
        finally:
            driver.quit()
        expected = sorted(f"{server.url}/p/{tokens[f['id']]}/" for f in feeds
                          if f["kind"] in ("teacher", "class") and school["of"] in f["schools"] and tokens.get(f["id"]))
        driver = browser(phone=False)
        try:
            driver.get(f"{server.url}/p/{tokens[school['id']]}/sheet/")
            assert f"{school['label']} 课表订阅二维码" in driver.find_element(By.TAG_NAME, "body").text
            assert sorted(decode(full_screenshot(driver, tmp_path / "sheet.png"))) == expected
        finally:
            driver.quit()
        download = httpx.get(f"{server.url}/p/{tokens[school['id']]}/sheet.pdf", timeout=60)
        (tmp_path / "sheet.pdf").write_bytes(download.content)
        assert sorted(pdf_codes(tmp_path / "sheet.pdf")[1]) == expected
    finally:
        assert server.stop() == 0, server.errors()
