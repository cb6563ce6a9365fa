"""The pages behind the feed tokens, served by the ASGI application in process (httpx as the client).

What each page says is checked against hand-computed times of the two-school fixture (seasonal
bells, holidays, make-up days), the other school of a synchronized lesson, the tokens that open
what, the absence of anything loaded from elsewhere, and the downloads. The browser, QR decoding
and phone viewport are in tests/test_pages_chromium.py.
"""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date, datetime
from pathlib import Path

import httpx
import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from test_feeds_fixtures import scenario, solution

from feeds import write_feeds
from feeds.activities import activity_occurrences
from feeds.app import FeedApp
from feeds.ical import text_line
from feeds.pages import qr_matrix
from feeds.reader import read_events
from feeds.static import export_static
from feeds.store import FeedStore
from feeds.tokens import ensure_tokens, read_manifest, revoke
from feeds.writer import FEEDS_DIR, feed_id
from models.events import CalendarEvent
from reports import write_all
from reports.documents import OutDocuments

BASE = "https://feeds.example.edu.cn/kb"


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "OUT"
    folder.mkdir()
    write_all(scenario(), solution(), folder)
    write_feeds(scenario(), solution(), folder)
    return folder


def token_of(out: Path, kind: str, of: str) -> str:
    token = ensure_tokens(out)[feed_id(kind, of)]
    assert token
    return token


def get(out: Path, path: str, documents: bool = True, **headers: str) -> httpx.Response:
    app = FeedApp(FeedStore(out), BASE, documents=OutDocuments() if documents else None)

    async def fetch() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(fetch())


def text_of(page: bytes) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    body = re.sub(r"<(style|svg)\b.*?</\1>", " ", page.decode("utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_reader_reads_every_feed_as_icalendar_does(out: Path) -> None:
    for path in sorted((out / FEEDS_DIR).glob("*.ics")):
        data = path.read_bytes()
        ours = read_events(data)
        theirs = [c for c in icalendar.Calendar.from_ical(data).walk("VEVENT")]
        assert len(ours) == len(theirs) > 0, path.name
        for mine, event in zip(ours, theirs):
            assert mine.uid == str(event["UID"])
            assert mine.start == event["DTSTART"].dt.replace(tzinfo=None)
            assert mine.end == event["DTEND"].dt.replace(tzinfo=None)
            assert (mine.summary, mine.description, mine.location) == (
                str(event["SUMMARY"]), str(event["DESCRIPTION"]), str(event["LOCATION"]))
            assert list(mine.categories) == [str(c) for c in event["CATEGORIES"].cats]


def test_teacher_page_shows_the_week_at_each_dates_clock_times(out: Path) -> None:
    token = token_of(out, "teacher", "T1")
    # Week 2 (from Monday 2026-09-07): the Monday double at the summer times, Friday's lesson.
    page = get(out, f"/p/{token}/?date=2026-09-07")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    text = text_of(page.content)
    assert "张老师（彭水一小）" in text and "2026年秋季学期" in text and "第2周" in text
    assert "所选日期 · 9月7日 周一" in text
    assert "08:00–09:30 数学 · 彭水一小 4(1)班 · 张老师" in text
    assert "9月11日 周五" in text and "10:00–10:40 数学" in text
    assert "16:10–17:10 教研 【教研】数学集体备课" in text
    # After the winter switch on 2026-10-08 the same double is at 08:10–09:40.
    winter = text_of(get(out, f"/p/{token}/?date=2026-10-12").content)
    assert "08:10–09:40 数学 · 彭水一小 4(1)班" in winter and "08:00–09:30" not in winter


def test_holidays_and_make_up_days_are_said(out: Path) -> None:
    token = token_of(out, "teacher", "T1")
    national = text_of(get(out, f"/p/{token}/?date=2026-10-05").content)
    assert "10月5日 周一 放假（国庆节）" in national
    assert "10月8日 周四 起用冬季作息" in national
    # Sunday 2026-09-20 teaches Friday's timetable: Friday's lesson is on it.
    makeup = text_of(get(out, f"/p/{token}/?date=2026-09-20").content)
    assert "所选日期 · 9月20日 周日 调休上班，按周五课表 10:00–10:40 数学" in makeup


def test_a_synchronized_lesson_names_the_other_school(out: Path) -> None:
    teacher = text_of(get(out, f"/p/{token_of(out, 'teacher', 'T2')}/?date=2026-09-09").content)
    assert "14:30–15:10 同步课堂·授课 音乐 · 彭水一小 4(1)班 · 李老师 接收：新田镇小学 4(1)班" in teacher
    receiving = text_of(get(out, f"/p/{token_of(out, 'class', 'S2-4-1')}/?date=2026-09-09").content)
    assert "同步课堂·接收 音乐 · 新田镇小学 4(1)班 · 李老师 主讲：彭水一小 4(1)班" in receiving


def test_every_page_has_its_subscription_links_and_qr(out: Path) -> None:
    token = token_of(out, "class", "S1-4-1")
    page = get(out, f"/p/{token}/").content.decode()
    host_path = BASE.removeprefix("https://")
    assert f'href="webcal://{host_path}/f/{token}.ics"' in page
    assert f">{BASE}/f/{token}.ics</textarea>" in page
    assert "iPhone 日历" in page and "安卓手机" in page and "Outlook" in page and "在浏览器中打开" in page
    # The QR code is the page's address, drawn by segno as one inline SVG path.
    assert page.count("<svg") == 1 and len(qr_matrix(f"{BASE}/p/{token}/")) >= 21


def test_pages_load_nothing_from_elsewhere(out: Path) -> None:
    for kind, of in (("teacher", "T1"), ("school", "S1")):
        token = token_of(out, kind, of)
        for path in ("", "term/", "sheet/") if kind == "school" else ("", "term/"):
            answer = get(out, f"/p/{token}/{path}")
            assert answer.status_code == 200, path
            assert "default-src 'none'" in answer.headers["content-security-policy"]
            assert answer.headers["cache-control"] == "private, no-store"
            html = answer.content.decode()
            assert not re.search(r"<(script|link|img|iframe)\b|\bsrc=|@import|url\(", html), path
            hrefs = re.findall(r'href="([^"]+)"', html)
            assert all(h.startswith((BASE, "webcal://", "#", "?", "./", "../")) or "/" not in h.split("?")[0].rstrip("/")
                       or h.startswith(("term/", "sheet/")) for h in hrefs), hrefs


def test_nothing_without_the_right_token(out: Path) -> None:
    teacher, school = token_of(out, "teacher", "T1"), token_of(out, "school", "S1")
    for path in ("/p/", "/p/" + "A" * 43 + "/", "/p/" + "A" * 43 + "/sheet/", f"/p/{teacher}x/",
                 f"/p/{teacher}/sheet/", f"/p/{teacher}/links.txt", f"/p/{teacher}/sheet.pdf",
                 f"/p/{teacher}/../", f"/p/{teacher}/nothing", f"/p/{school}/timetable.csv"):
        answer = get(out, path)
        assert answer.status_code == 404, path
        assert answer.content == "not found / 未找到\n".encode()
    feed = feed_id("teacher", "T1")
    revoke(out, [feed])
    assert get(out, f"/p/{teacher}/").status_code == 404
    redirect = get(out, f"/p/{school}")
    assert redirect.status_code == 301 and redirect.headers["location"] == f"{school}/"


def test_the_school_sheet_and_link_list_hold_its_teachers_and_classes(out: Path) -> None:
    token = token_of(out, "school", "S1")
    sheet = get(out, f"/p/{token}/sheet/").content.decode()
    assert "彭水一小 课表订阅二维码" in sheet and "@page{size:A4 portrait" in sheet
    tokens = ensure_tokens(out)
    own = [tokens[feed_id("teacher", "T1")], tokens[feed_id("teacher", "T2")], tokens[feed_id("class", "S1-4-1")]]
    other = [tokens[feed_id("teacher", "T3")], tokens[feed_id("class", "S2-4-1")]]
    assert sheet.count("<svg") == 3 and all(t not in sheet for t in other)
    listing = get(out, f"/p/{token}/links.txt")
    assert listing.headers["content-type"] == "text/plain; charset=utf-8"
    lines = listing.content.decode().splitlines()
    assert lines[0] == "彭水一小 课表订阅链接 · 2026年秋季学期"
    assert f"张老师（彭水一小）：{BASE}/p/{own[0]}/" in lines and f"彭水一小 4(1)班：{BASE}/p/{own[2]}/" in lines
    assert not any(t in listing.content.decode() for t in other)
    pdf = get(out, f"/p/{token}/sheet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"


def test_timetable_downloads(out: Path) -> None:
    token = token_of(out, "teacher", "T1")
    page = get(out, f"/p/{token}/").content.decode()
    assert 'href="timetable.xlsx"' in page and 'href="timetable.pdf"' in page
    workbook = load_workbook(io.BytesIO(get(out, f"/p/{token}/timetable.xlsx").content))
    assert workbook.sheetnames == ["张老师"] and workbook["张老师"]["A1"].value == "彭水一小 张老师老师 课程表"
    assert get(out, f"/p/{token}/timetable.pdf").content.startswith(b"%PDF")
    school = load_workbook(io.BytesIO(get(out, f"/p/{token_of(out, 'school', 'S1')}/timetable.xlsx").content))
    assert school.sheetnames == ["4(1)班", "张老师", "李老师"]
    # Without a documents maker there are no download links and no download routes.
    assert 'timetable.xlsx' not in get(out, f"/p/{token}/", documents=False).content.decode()
    assert get(out, f"/p/{token}/timetable.xlsx", documents=False).status_code == 404


def test_term_page_is_a_calendar_of_weeks(out: Path) -> None:
    page = get(out, f"/p/{token_of(out, 'teacher', 'T1')}/term/?date=2026-10-12").content.decode()
    text = text_of(page.encode())
    assert "学期日历" in text and "第21周" in text and "各周安排" in text
    assert 'class="holiday" title="放假（国庆节）">10/1' in page
    assert 'class="makeup" title="调休上班，按周五课表">9/20' in page
    assert 'class="assessment" title="统一测试，停课">1/20' in page
    assert "<details open><summary>第7周" in page  # the week of the chosen day is open


def test_in_app_browsers_are_told_to_open_the_page_in_a_browser(out: Path) -> None:
    token = token_of(out, "teacher", "T1")
    agent = "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Mobile Safari/537.36 MicroMessenger/8.0.47"
    assert "在微信或钉钉中无法订阅日历" in get(out, f"/p/{token}/", **{"User-Agent": agent}).content.decode()
    assert "在微信或钉钉中无法订阅日历" not in get(out, f"/p/{token}/", **{"User-Agent": "Safari"}).content.decode()


def test_a_demonstration_lesson_is_one_event(tmp_path: Path) -> None:
    demo = CalendarEvent(uid="demo-1@activities.tongbu", summary="【彭水第一教共体】数学示范课",
                         start=datetime(2026, 9, 7, 8, 0), end=datetime(2026, 9, 7, 9, 30), location="彭水一小",
                         description="活动：数学示范课\n授课：张老师（4(1)班）\n听课：王老师", attendees=("T1", "T3"),
                         consortium="C1", host="S1", activity="2026/autumn/C1-demo#01")
    out = tmp_path / "OUT"
    write_feeds(scenario(), solution(), out, extra=activity_occurrences(scenario(), [demo]))
    manifest = {f["id"]: f for f in read_manifest(out)["feeds"]}
    start = datetime(2026, 9, 7, 8, 0)
    found = {}
    for kind, of in (("teacher", "T1"), ("teacher", "T3"), ("class", "S1-4-1"), ("school", "S1"), ("consortium", "C1")):
        events = read_events((out / FEEDS_DIR / manifest[feed_id(kind, of)]["file"]).read_bytes())
        at = [e for e in events if e.start < datetime(2026, 9, 7, 9, 30) and start < e.end]
        assert len(at) == 1, (kind, of, [e.summary for e in at])
        found[(kind, of)] = at[0]
    uids = {e.uid for e in found.values()}
    assert len(uids) == 1 and "demo-1" not in next(iter(uids))  # the lesson's UID, in every feed
    event = found[("teacher", "T1")]
    assert event.summary == "数学 · 彭水一小 4(1)班 · 张老师 · 【彭水第一教共体】数学示范课"
    assert "听课：王老师" in event.description and event.categories == ("数学", "教共体活动")
    page = text_of(get(out, f"/p/{token_of(out, 'teacher', 'T3')}/?date=2026-09-07").content)
    week = page.split("第2周（9月7日–9月13日）", 1)[1].split("订阅到手机日历", 1)[0]
    assert week.count("数学示范课") == 1 and week.count("08:00–09:30") == 1 and "教共体活动" in week


def test_static_export_writes_the_pages(out: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    export_static(out, site, BASE, OutDocuments(), today=date(2026, 9, 7))
    teacher, school = token_of(out, "teacher", "T1"), token_of(out, "school", "S1")
    page = (site / "p" / teacher / "index.html").read_text(encoding="utf-8")
    assert "今天 · 9月7日 周一" in text_of(page.encode()) and "?date=" not in page
    for name in ("term/index.html", "timetable.xlsx", "timetable.pdf"):
        assert (site / "p" / teacher / name).is_file(), name
    for name in ("sheet/index.html", "sheet.pdf", "links.txt"):
        assert (site / "p" / school / name).is_file(), name
        assert not (site / "p" / teacher / name).exists(), name
    assert (site / "p" / "index.html").read_bytes() == b"<!DOCTYPE html><title>tongbu</title>\n"
    mtime = (site / "p" / teacher / "index.html").stat().st_mtime_ns
    pdf = (site / "p" / teacher / "timetable.pdf").stat().st_mtime_ns
    export_static(out, site, BASE, OutDocuments(), today=date(2026, 9, 7))
    assert (site / "p" / teacher / "index.html").stat().st_mtime_ns == mtime  # unchanged inputs: not redrawn
    export_static(out, site, BASE, OutDocuments(), today=date(2026, 9, 8))  # the next day: the pages move on
    assert "今天 · 9月8日 周二" in text_of((site / "p" / teacher / "index.html").read_bytes())
    assert (site / "p" / teacher / "timetable.pdf").stat().st_mtime_ns == pdf  # the downloads are not remade
    revoke(out, [feed_id("teacher", "T1")])
    export_static(out, site, BASE, OutDocuments(), today=date(2026, 9, 7))
    assert not (site / "p" / teacher).exists()


TEXT = st.text(st.sampled_from(list("ab ,;:\\^\n\r\"N") + ["数", "学", "课", "😀", "é", "\t"]), max_size=240)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_text_lines_are_icalendars_bytes(value: str) -> None:
    for name in ("summary", "description", "location"):
        event = icalendar.Event()
        event.add(name, value)
        expected = b"\r\n".join(event.to_ical().split(b"\r\n")[1:-2]) + b"\r\n"
        assert text_line(name.upper(), value) == expected


def test_the_school_sheet_holds_a_card_for_each_of_its_rooms(tmp_path: Path) -> None:
    from models import Room

    rooms = (Room(id="S1-录播", school="S1", name="录播教室", equipment=("remote",)),
             Room(id="S2-操场", school="S2", name="操场", kind="操场", subjects=("体育",), capacity=3))
    county = scenario().model_copy(update={"rooms": rooms})
    folder = tmp_path / "OUT"
    folder.mkdir()
    write_all(county, solution(), folder)
    write_feeds(county, solution(), folder)
    tokens = ensure_tokens(folder)
    sheet = get(folder, f"/p/{tokens[feed_id('school', 'S1')]}/sheet/").content.decode()
    assert "专用教室（1）" in sheet and sheet.count("<svg") == 4  # two teachers, a class, its one room
    listing = get(folder, f"/p/{tokens[feed_id('school', 'S1')]}/links.txt").content.decode().splitlines()
    room = tokens[feed_id("room", "S1-录播")]
    assert listing[-2:] == ["【专用教室】", f"彭水一小 录播教室：{BASE}/p/{room}/"]
    assert tokens[feed_id("room", "S2-操场")] not in sheet  # another school's ground
