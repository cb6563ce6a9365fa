"""The web pages behind the feed tokens: what a teacher or principal opens on a phone.

One token gives a feed and its pages (``/p/<token>/``):

* the main page — today and this week at each date's real clock times, from the feed's own events
  (``feeds.reader``), so the page and the subscribed calendar never disagree: seasonal bells,
  holidays, make-up days, synchronized lessons with the other schools, travel legs, consortium
  activities (a demonstration lesson is one entry, the lesson marked with the activity);
* ``term/`` — the term as a calendar of weeks, and each week's entries;
* the subscription block on every page: a QR code of the page's address (segno), the ``webcal://``
  and ``https://`` addresses and short instructions for iPhone, Android calendars and Outlook;
* for a school's token only: ``sheet/`` — a printable sheet with one QR code per teacher and class
  (订阅二维码), ``links.txt`` — the same links as plain text for a WeChat group.

Pages are plain HTML with an inline style sheet: no script, font, image or style from anywhere
else (the QR codes are inline SVG), and the server sends a Content-Security-Policy that forbids
loading any. They work without JavaScript (there is none).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, timedelta
from html import escape
from urllib.parse import urlsplit

import segno

from feeds.reader import PageEvent

KIND_ZH = {"consortium": "共同体", "school": "学校", "class": "班级", "teacher": "教师", "room": "教室"}
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
SYNC_MODES = ("同步课堂", "专递课堂")
ACTIVITY, TRAVEL, RESEARCH = "教共体活动", "走教路程", "教研"
FONT_STACK = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
WECHAT_AGENTS = ("micromessenger", "dingtalk", "wxwork", "aliapp", "qq/")

STYLE = """
*{box-sizing:border-box}
body{font-family:FONTS;margin:0;color:#1a1a1a;background:#f4f5f7;line-height:1.5;font-size:16px}
main{max-width:46rem;margin:0 auto;padding:0 .75rem 2rem}
header.top{background:#1f4e79;color:#fff;padding:.9rem .75rem .7rem}
header.top div{max-width:46rem;margin:0 auto}
header.top h1{font-size:1.25rem;margin:0}
header.top p{margin:.2rem 0 0;font-size:.9rem;opacity:.9}
nav.tabs{display:flex;flex-wrap:wrap;gap:.4rem;max-width:46rem;margin:.6rem auto 0;padding:0 .75rem}
nav.tabs a{background:#fff;border:1px solid #c9d3df;border-radius:1rem;padding:.2rem .8rem;color:#1f4e79;
  text-decoration:none;font-size:.9rem}
section{background:#fff;border-radius:.6rem;margin:.8rem 0;padding:.8rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:1.1rem;margin:0 0 .5rem}
h3{font-size:1rem;margin:.8rem 0 .3rem;color:#1f4e79}
h3 .status{font-weight:normal;color:#555;font-size:.85rem;margin-left:.4rem}
ul.events{list-style:none;margin:0;padding:0}
ul.events li{display:flex;gap:.6rem;padding:.45rem 0;border-top:1px solid #eceef1}
ul.events li:first-child{border-top:0}
ul.events time{flex:0 0 6.6rem;font-variant-numeric:tabular-nums;color:#333;font-size:.92rem}
ul.events .what{flex:1;min-width:0}
ul.events .what b{font-weight:600}
ul.events small{display:block;color:#555;font-size:.82rem}
li.sync{background:#fff8e1}
li.activity{background:#e8f4ea}
li.travel{background:#eef2fb}
li.research{background:#f3eefb}
li.changed{outline:2px solid #d9480f}
.tag{display:inline-block;font-size:.75rem;border-radius:.3rem;padding:0 .3rem;margin-right:.3rem;color:#fff;
  background:#8a6d00;vertical-align:1px}
.tag.activity{background:#2b7a3d}.tag.travel{background:#3a5ba0}.tag.research{background:#6c4ba0}
.tag.changed{background:#d9480f}
p.empty{color:#666;margin:.3rem 0}
p.note{font-size:.85rem;color:#555}
.banner{background:#fff3bf;border:1px solid #f0c36d;border-radius:.5rem;padding:.6rem .8rem;margin:.8rem 0}
.qr{width:min(60vw,15rem);margin:.3rem auto}
.qr svg{width:100%;height:auto;display:block}
a.button{display:inline-block;background:#1f4e79;color:#fff;border-radius:.4rem;padding:.5rem .9rem;
  text-decoration:none;margin:.2rem 0}
textarea{width:100%;font-family:ui-monospace,monospace;font-size:.8rem;padding:.4rem;border:1px solid #c9d3df;
  border-radius:.3rem;resize:none;word-break:break-all}
details{margin:.4rem 0;border:1px solid #e1e5ea;border-radius:.4rem;padding:.3rem .6rem}
details summary{cursor:pointer;font-weight:600}
details ol{margin:.3rem 0;padding-left:1.3rem}
table.term{border-collapse:collapse;width:100%;font-size:.8rem;table-layout:fixed}
table.term th,table.term td{border:1px solid #dde2e8;padding:.15rem;text-align:center;vertical-align:top}
table.term td.off{background:#f1f1f1;color:#888}
table.term td.holiday{background:#fde2e1}
table.term td.makeup{background:#fff3bf}
table.term td.assessment{background:#e5dbff}
table.term td.today{outline:2px solid #1f4e79}
table.term td span{display:block;font-size:.7rem}
.pager{display:flex;justify-content:space-between;font-size:.9rem}
.downloads a{margin-right:1rem}
@media (min-width:48rem){body{font-size:17px}ul.events time{flex-basis:7.5rem}}
""".replace("FONTS", FONT_STACK)

SHEET_STYLE = """
@page{size:A4 portrait;margin:10mm}
*{box-sizing:border-box}
body{font-family:FONTS;margin:1rem;color:#000;background:#fff}
h1{font-size:1.4rem;margin:0 0 .2rem}
p.how{font-size:.9rem;margin:.2rem 0 .8rem}
h2{font-size:1.1rem;margin:1rem 0 .4rem;break-after:avoid}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.6rem}
.card{border:1px dashed #888;padding:.5rem;text-align:center;break-inside:avoid;page-break-inside:avoid}
.card b{display:block;font-size:1rem}
.card small{display:block;font-size:.72rem;color:#333}
.card svg{width:100%;max-width:10rem;height:auto;display:block;margin:.3rem auto}
.screen{font-size:.9rem}
@media print{body{margin:0}.screen{display:none}.cards{grid-template-columns:repeat(3,1fr);gap:4mm}
  .card{padding:2mm}.card svg{max-width:45mm}}
""".replace("FONTS", FONT_STACK)


@dataclass(frozen=True)
class Links:
    """A feed's public addresses under the configured base URL (never the request's Host header)."""

    page: str  # https://…/p/<token>/
    webcal: str  # webcal://…/f/<token>.ics
    https: str  # https://…/f/<token>.ics

    @classmethod
    def of(cls, base_url: str, token: str) -> Links:
        base = base_url.rstrip("/")
        https = f"{base}/f/{token}.ics"
        parts = urlsplit(https)
        return cls(page=f"{base}/p/{token}/", webcal=f"webcal://{parts.netloc}{parts.path}", https=https)


@dataclass(frozen=True)
class Term:
    """The term's calendar as the manifest gives it: teaching days, holidays, assessment days, bell switches."""

    name: str
    start: date
    end: date
    teaching: dict[date, tuple[str, bool]]  # date -> (weekday followed, make-up day?)
    holidays: dict[date, str]
    assessment: frozenset[date]
    seasons: tuple[tuple[date, str, tuple[str, ...]], ...] = ()
    known: bool = True  # False for an OUT published before manifests carried the calendar

    @classmethod
    def of(cls, meta: dict) -> Term:
        term, calendar = meta.get("term") or {}, meta.get("calendar") or {}
        return cls(
            name=term.get("name") or "", start=date.fromisoformat(term["start"]), end=date.fromisoformat(term["end"]),
            teaching={date.fromisoformat(d): (follows, bool(makeup)) for d, follows, makeup in calendar.get("teaching", [])},
            holidays={date.fromisoformat(d): name for d, name in (calendar.get("holidays") or {}).items()},
            assessment=frozenset(date.fromisoformat(d) for d in calendar.get("assessment", [])),
            seasons=tuple((date.fromisoformat(s["date"]), s["name"], tuple(s.get("schools", [])))
                          for s in calendar.get("seasons", [])),
            known="teaching" in calendar)

    @property
    def first_monday(self) -> date:
        return self.start - timedelta(days=self.start.weekday())

    def week(self, day: date) -> int:
        """第N周: 1 for the Monday–Sunday week holding the term's first day (as feeds.events numbers them)."""
        return (day - self.first_monday).days // 7 + 1

    @property
    def weeks(self) -> int:
        return self.week(self.end)

    def monday(self, week: int) -> date:
        return self.first_monday + timedelta(days=7 * (week - 1))

    def status(self, day: date, schools: Sequence[str] = ()) -> tuple[str, str]:
        """(css class, what the day is) for a date: teaching, make-up, holiday, assessment, weekend, outside."""
        notes = [f"起用{name}" for when, name, at in self.seasons if when == day and (not schools or set(at) & set(schools))]
        if not self.start <= day <= self.end:
            return "off", "不在本学期"
        if not self.known:  # no calendar to tell holidays from teaching days: say nothing rather than guess
            return ("teaching", "") if day.weekday() < 5 else ("off", "休息日")
        if day in self.holidays:
            return "holiday", "放假" + (f"（{self.holidays[day]}）" if self.holidays[day] else "")
        if day in self.assessment:
            return "assessment", "统一测试，停课"
        if day in self.teaching:
            follows, makeup = self.teaching[day]
            if makeup:
                return "makeup", "；".join([f"调休上班，按{follows}课表", *notes])
            return "teaching", "；".join(notes)
        return "off", "休息日"


def is_in_app_browser(user_agent: str) -> bool:
    """WeChat, WeCom, DingTalk and similar in-app browsers open pages but cannot subscribe to calendars."""
    agent = user_agent.lower()
    return any(mark in agent for mark in WECHAT_AGENTS)


@lru_cache(maxsize=8192)
def qr_matrix(url: str) -> tuple[str, ...]:
    """The QR code of ``url`` as rows of '1' (dark) and '0', quiet zone included (segno, error level M)."""
    code = segno.make(url, error="m", micro=False)
    return tuple("".join("1" if cell else "0" for cell in row) for row in code.matrix_iter(scale=1, border=4))


@lru_cache(maxsize=8192)
def qr_svg(url: str, title: str = "") -> str:
    """An inline SVG of the QR code of ``url`` that scales with its box (no width/height of its own).
    Kept once made: encoding (segno tries all eight masks) takes about ten times as long as drawing a page."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass=None, lineclass=None, dark="#000", light="#fff")
    label = f"<title>{escape(title)}</title>" if title else ""
    return svg.replace(">", f' role="img" shape-rendering="crispEdges" aria-label="{escape(title or url)}">' + label, 1)


def _head(title: str, style: str = STYLE) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"robots\" content=\"noindex, nofollow\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
            f"<meta name=\"format-detection\" content=\"telephone=no\">\n<title>{escape(title)}</title>\n"
            f"<style>{style}</style>\n</head>\n")


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def _day_label(day: date) -> str:
    return f"{day.month}月{day.day}日 {WEEKDAYS_ZH[day.weekday()]}"


def is_special(event: PageEvent) -> bool:
    """Anything beyond an ordinary lesson: synchronized lessons, activities, travel, research."""
    return any(c in SYNC_MODES or c in (ACTIVITY, TRAVEL, RESEARCH) for c in event.categories)


def event_item(event: PageEvent) -> str:
    """One entry: clock times, what (with its tags), the other schools of a synchronized lesson, where."""
    tags: list[tuple[str, str]] = []
    classes: list[str] = []
    summary = event.summary
    if any(c in SYNC_MODES for c in event.categories):
        marker = re.match(r"^【([^】]+)】", summary)
        if marker:
            tags.append(("", marker.group(1)))
            summary = summary[marker.end():]
        classes.append("sync")
    if ACTIVITY in event.categories:
        tags.append(("activity", "教共体活动"))
        classes.append("activity")
    if TRAVEL in event.categories:
        tags.append(("travel", "走教"))
        classes.append("travel")
    if RESEARCH in event.categories:
        tags.append(("research", "教研"))
        classes.append("research")
    details = []
    receiving, teaching = event.line("接收班级："), event.line("授课班级：")
    if receiving:
        details.append(f"接收：{receiving}")
    if teaching:
        details.append(f"主讲：{teaching}")
    if TRAVEL in event.categories:
        details.append(event.description.split(" / ")[0])
    if event.location:
        details.append(event.location)
    tag_html = "".join(f'<span class="tag {css}">{escape(text)}</span>' for css, text in tags)
    css = f' class="{" ".join(classes)}"' if classes else ""
    return (f"<li{css}><time>{_clock(event.start)}–{_clock(event.end)}</time><div class=\"what\">{tag_html}"
            f"<b>{escape(summary)}</b>" + "".join(f"<small>{escape(d)}</small>" for d in details) + "</div></li>")


def event_list(events: Iterable[PageEvent]) -> str:
    items = [event_item(e) for e in events]
    return '<ul class="events">' + "".join(items) + "</ul>" if items else ""


@dataclass
class FeedView:
    """What a page is drawn from: the feed's manifest entry, its events by date, the term, its links."""

    feed: dict
    events: list[PageEvent]
    term: Term
    links: Links
    district: str = ""
    by_day: dict[date, list[PageEvent]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_day:
            grouped: dict[date, list[PageEvent]] = defaultdict(list)
            for event in self.events:
                grouped[event.day].append(event)
            self.by_day = dict(grouped)

    @property
    def kind(self) -> str:
        return self.feed["kind"]

    @property
    def label(self) -> str:
        return self.feed.get("label") or self.feed["name"]

    @property
    def busy(self) -> bool:
        """Too many entries to list every one (a school's every class): weeks list only the special ones."""
        return self.kind == "school"


@dataclass(frozen=True)
class PageOptions:
    """How a page is drawn: for which day, in an in-app browser or not, served or exported as files."""

    today: date
    chosen: bool = False  # the day was asked for (?date=), not today's date
    in_app: bool = False
    static: bool = False  # written as files: no links that need the server (?date=)
    downloads: tuple[str, ...] = ()  # "xlsx", "pdf": timetable files this feed has


def _header(view: FeedView, subtitle: str) -> str:
    term = view.term.name or f"{view.term.start:%Y-%m-%d} 至 {view.term.end:%Y-%m-%d}"
    return (f'<header class="top"><div><h1>{escape(view.label)}</h1>'
            f"<p>{escape(KIND_ZH.get(view.kind, ''))}课表 · {escape(term)}{escape(subtitle)}</p></div></header>\n")


def _tabs(prefix: str, view: FeedView, options: PageOptions) -> str:
    links = [(f"{prefix}", "本周"), (f"{prefix}term/", "学期总览"), ("#subscribe", "订阅到日历")]
    if view.kind == "school":
        links.append((f"{prefix}sheet/", "全校订阅二维码"))
    return '<nav class="tabs">' + "".join(f'<a href="{escape(h)}">{escape(t)}</a>' for h, t in links) + "</nav>\n"


def _banner(options: PageOptions) -> str:
    if not options.in_app:
        return ""
    return ('<div class="banner"><b>在微信或钉钉中无法订阅日历。</b>请点右上角「···」，选择「在浏览器中打开」，'
            "再按下方「订阅到日历」的步骤操作。</div>\n")


def subscribe_section(view: FeedView) -> str:
    """The QR code (this page's address), the two subscription addresses and the instructions."""
    links = view.links
    return f"""<section id="subscribe"><h2>订阅到手机日历</h2>
<div class="qr">{qr_svg(links.page, "本页二维码")}</div>
<p class="note" style="text-align:center">用手机相机或微信「扫一扫」扫码，即可在手机上打开本页</p>
<p><a class="button" href="{escape(links.webcal)}">一键订阅（iPhone、Mac、Outlook）</a></p>
<p>订阅地址（长按全选、复制，粘贴到日历应用）：</p>
<textarea readonly rows="3" aria-label="订阅地址">{escape(links.https)}</textarea>
<details><summary>iPhone 日历</summary><ol>
<li>用 Safari 打开本页，点「一键订阅」，再点「订阅」。</li>
<li>或：设置 → 日历 → 账户 → 添加账户 → 其他 → 添加已订阅的日历，粘贴订阅地址，点「下一步」「存储」。</li></ol></details>
<details><summary>安卓手机（华为、荣耀、小米、OPPO、vivo 等）</summary><ol>
<li>长按上面的订阅地址，全选并复制。</li>
<li>打开手机自带的「日历」→ 设置（或「管理日历账户」）→「订阅日历」/「添加日历订阅」/「通过网址订阅」，粘贴地址并确认。菜单名称因手机品牌而异。</li>
<li>自带日历没有订阅功能时，可安装 Outlook 或开源的 ICSx⁵，在其中添加这个订阅地址。</li></ol></details>
<details><summary>Outlook</summary><ol>
<li>电脑版：日历 → 添加日历 → 从 Internet 订阅，粘贴订阅地址。</li>
<li>网页版或手机版：添加日历 → 从 Web 订阅（从网络订阅），粘贴订阅地址。</li></ol></details>
<p class="note">订阅后日历每 6 小时自动更新，课表调整会自动同步。在微信、钉钉中打开本页时无法直接订阅，请先「在浏览器中打开」。
订阅地址含个人密钥，请勿公开转发。</p>
</section>
"""


def _downloads(prefix: str, options: PageOptions) -> str:
    names = {"xlsx": "课表 Excel（XLSX）", "pdf": "课表 PDF（可打印）"}
    links = [f'<a href="{prefix}timetable.{fmt}" download>{names[fmt]}</a>' for fmt in options.downloads if fmt in names]
    return ('<section class="downloads"><h2>下载</h2>' + "".join(links) + "</section>\n") if links else ""


def _day_block(view: FeedView, day: date, heading: str, special_only: bool = False) -> str:
    css, status = view.term.status(day, view.feed.get("schools", ()))
    events = view.by_day.get(day, [])
    shown = [e for e in events if is_special(e)] if special_only else events
    out = [f'<h3 id="d{day:%Y%m%d}">{escape(heading)}<span class="status">{escape(status)}</span></h3>']
    if shown:
        out.append(event_list(shown))
    if special_only and len(events) > len(shown):
        out.append(f'<p class="empty">另有常规课 {len(events) - len(shown)} 节（见课程表下载）</p>')
    if not events and (css in ("teaching", "makeup") or not status):
        out.append('<p class="empty">没有课程和活动</p>')
    return "".join(out)


def main_page(view: FeedView, options: PageOptions) -> bytes:
    """Today and this week (next week on a weekend), the subscription block, downloads."""
    today = options.today
    week_start = today - timedelta(days=today.weekday())
    if today.weekday() >= 5 and not view.by_day.get(today) and not options.chosen:
        week_start += timedelta(days=7)  # at the weekend the coming week matters
    week_no = view.term.week(week_start)
    in_term = 1 <= week_no <= view.term.weeks
    title = f"{view.label} 课表"
    day_word = "所选日期" if options.chosen else "今天"
    out = [_head(title), "<body>\n", _header(view, f" · 第{week_no}周" if in_term else ""), _tabs("", view, options),
           "<main>\n", _banner(options)]
    out.append(f'<section id="today"><h2>{day_word} · {escape(_day_label(today))}</h2>'
               + _day_block(view, today, "", special_only=view.busy and len(view.by_day.get(today, [])) > 40)
               + "</section>\n")
    if view.busy and view.by_day.get(today):
        out.append(f'<details><summary>{day_word}全部课程（{len(view.by_day[today])} 节）</summary>'
                   + event_list(view.by_day[today]) + "</details>\n")
    days = [week_start + timedelta(days=i) for i in range(7)]
    blocks = [_day_block(view, d, _day_label(d), special_only=view.busy) for d in days
              if d.weekday() < 5 or view.by_day.get(d) or d in view.term.teaching]
    heading = f"第{week_no}周" if in_term else "本周"
    span = f"{days[0].month}月{days[0].day}日–{days[-1].month}月{days[-1].day}日"
    pager = ""
    if not options.static:
        previous, following = week_start - timedelta(days=7), week_start + timedelta(days=7)
        pager = (f'<p class="pager"><a href="?date={previous.isoformat()}">‹ 上一周</a>'
                 + ('<a href="./">回到今天</a>' if options.chosen else "")
                 + f'<a href="?date={following.isoformat()}">下一周 ›</a></p>')
    out.append(f'<section id="week"><h2>{heading}（{span}）</h2>{pager}' + "".join(blocks) + "</section>\n")
    out.append(subscribe_section(view))
    out.append(_downloads("", options))
    out.append(f'<p class="note">{escape(view.district)} · 课表由 tongbu 生成，与订阅的日历内容一致。</p>\n')
    out.append("</main>\n</body>\n</html>\n")
    return "".join(out).encode("utf-8")


def term_page(view: FeedView, options: PageOptions) -> bytes:
    """The term as a calendar of weeks (what each date is, how many entries), then each week's entries."""
    term, today = view.term, options.today
    rows = ["<table class=\"term\"><thead><tr><th>周</th>" + "".join(f"<th>{d[1]}</th>" for d in WEEKDAYS_ZH)
            + "</tr></thead><tbody>"]
    for week in range(1, term.weeks + 1):
        monday = term.monday(week)
        cells = [f"<th>{week}</th>"]
        for offset in range(7):
            day = monday + timedelta(days=offset)
            css, status = term.status(day, view.feed.get("schools", ()))
            count = len(view.by_day.get(day, []))
            what = f"{count}项" if count else {"holiday": "假", "assessment": "考", "makeup": "调"}.get(css, "")
            classes = [css] + (["today"] if day == today else [])
            cells.append(f'<td class="{" ".join(classes)}" title="{escape(status)}">{day.month}/{day.day}'
                         f"<span>{escape(what)}</span></td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    rows.append("</tbody></table>")
    legend = ('<p class="note">数字为当天的课程和活动数。红：放假；黄：调休上班日（按所注星期的课表）；紫：统一测试；'
              "灰：休息日。点开下面各周查看每天的安排。</p>")
    weeks = []
    for week in range(1, term.weeks + 1):
        monday = term.monday(week)
        days = [monday + timedelta(days=i) for i in range(7)]
        count = sum(len(view.by_day.get(d, [])) for d in days)
        blocks = [_day_block(view, d, _day_label(d), special_only=view.busy) for d in days
                  if view.by_day.get(d) or d in term.holidays or d in term.teaching or d in term.assessment]
        opened = " open" if monday <= today < monday + timedelta(days=7) else ""
        weeks.append(f"<details{opened}><summary>第{week}周 · {monday.month}月{monday.day}日起 · {count} 项</summary>"
                     + "".join(blocks) + "</details>")
    title = f"{view.label} 学期总览"
    out = [_head(title), "<body>\n", _header(view, " · 学期总览"), _tabs("../", view, options), "<main>\n",
           _banner(options), '<section><h2>学期日历</h2>', *rows, legend, "</section>\n",
           '<section><h2>各周安排</h2>' + "".join(weeks) + "</section>\n", subscribe_section(view),
           _downloads("../", options), "</main>\n</body>\n</html>\n"]
    return "".join(out).encode("utf-8")


@dataclass(frozen=True)
class SheetEntry:
    """One QR code of a school's sheet: a teacher's, a class's or a room's page."""

    kind: str
    label: str
    links: Links


#: The kinds of feed a school's sheet holds, in the order of its groups, with each group's heading.
SHEET_GROUPS = (("teacher", "教师"), ("class", "班级"), ("room", "专用教室"))


def sheet_entries(school: dict, feeds: Iterable[dict], tokens: dict[str, str | None], base_url: str) -> list[SheetEntry]:
    """The teachers (home school first, then those who come to teach there), the classes and the rooms (a
    录播教室's or a lab's usage, for whoever looks after it) of a school that have a token, each with their
    page's links."""
    school_id = school["of"]
    order = [kind for kind, _heading in SHEET_GROUPS]
    entries = []
    for feed in feeds:
        token = tokens.get(feed["id"])
        schools = feed.get("schools") or []
        if not token or feed["kind"] not in order or school_id not in schools:
            continue
        entries.append((order.index(feed["kind"]), schools[0] != school_id, feed.get("label") or feed["name"],
                        SheetEntry(feed["kind"], feed.get("label") or feed["name"], Links.of(base_url, token))))
    return [entry for *_key, entry in sorted(entries, key=lambda e: e[:3])]


SHEET_HOW = ("请每位老师（或班主任）扫描自己的二维码：手机上会打开课表页，按页面上「订阅到手机日历」的提示操作，"
             "即可把课表订阅到手机日历，以后课表调整会自动更新。专用教室（如录播教室）的二维码交给管理该教室的老师。"
             "二维码含个人密钥，请只交给本人。")


def sheet_page(view: FeedView, entries: Sequence[SheetEntry], pdf: bool) -> bytes:
    """The printable 订阅二维码 sheet of a school: one card per teacher, class and room."""
    title = f"{view.label} 课表订阅二维码"
    term = view.term.name
    groups = []
    for kind, heading in SHEET_GROUPS:
        cards = [f'<div class="card"><b>{escape(e.label)}</b>{qr_svg(e.links.page, e.label)}'
                 f"<small>扫码打开课表页并订阅</small></div>" for e in entries if e.kind == kind]
        if cards:
            groups.append(f"<h2>{heading}（{len(cards)}）</h2><div class=\"cards\">" + "".join(cards) + "</div>")
    screen = ('<p class="screen"><a href="../">← 返回学校页面</a> · 打印本页（A4）即可发放'
              + (' · <a href="../sheet.pdf">下载 PDF</a>' if pdf else "")
              + ' · <a href="../links.txt">纯文本链接（可粘贴到微信群）</a></p>')
    body = (f"<h1>{escape(title)}</h1><p class=\"how\">{escape(term)} · {escape(SHEET_HOW)}</p>{screen}"
            + "".join(groups))
    return (_head(title, SHEET_STYLE) + "<body>\n" + body + "\n</body>\n</html>\n").encode("utf-8")


def links_text(view: FeedView, entries: Sequence[SheetEntry]) -> bytes:
    """The school's page links as plain text, to paste into a WeChat or DingTalk group."""
    lines = [f"{view.label} 课表订阅链接" + (f" · {view.term.name}" if view.term.name else ""),
             "请点开自己的链接，按页面提示把课表订阅到手机日历（课表调整会自动更新）。链接含个人密钥，请勿转发到群外。", ""]
    for kind, heading in SHEET_GROUPS:
        chosen = [e for e in entries if e.kind == kind]
        if chosen:
            lines.append(f"【{heading}】")
            lines += [f"{e.label}：{e.links.page}" for e in chosen]
            lines.append("")
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
