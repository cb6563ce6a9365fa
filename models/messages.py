"""Every user-facing message of the scenario loader and validator, in English and Chinese.

Messages are looked up by code, so the same problem reads the same way everywhere and tests can
assert on codes. ``set_language`` is called once by the CLI (``--lang``).
"""

from __future__ import annotations

import locale
import os

from models.status import Status

CATALOGUE: dict[str, tuple[str, str]] = {
    # a change set (models/changes.py): its messages are made there in both languages
    "changes": ("{en}", "{zh}"),
    # files and tables
    "no_folder": ("folder {path} does not exist", "文件夹 {path} 不存在"),
    "no_yaml": ("{path} is missing: every scenario folder has a scenario.yaml (tongbu init DIR writes one)",
                "缺少 {path}：每个方案文件夹都需要 scenario.yaml（可用 tongbu init DIR 生成）"),
    "bad_yaml": ("cannot read YAML: {detail}", "YAML 格式错误：{detail_zh}"),
    "yaml_not_mapping": ("scenario.yaml must be a mapping of keys to values", "scenario.yaml 应为“键: 值”的结构"),
    "missing_table": ("table '{table}' is missing: add {table}.csv or {table}.xlsx (or a sheet '{table}' in {workbook})",
                      "缺少数据表“{table}”：请添加 {table}.csv 或 {table}.xlsx（或在 {workbook} 中加一个名为“{table}”的工作表）"),
    "empty_file": ("the file is empty: it needs a header row with the columns {columns}",
                   "文件为空：第一行应为表头，列为 {columns}"),
    "encoding_gbk": ("read as GB18030/GBK (saved by Excel on Chinese Windows); it was read correctly, but save it as 'CSV UTF-8' to be safe",
                     "按 GB18030/GBK 编码读取（中文 Windows 版 Excel 的默认编码），已正确读取；建议另存为“CSV UTF-8（逗号分隔）”"),
    "encoding_unknown": ("cannot decode the file as UTF-8 or GB18030/GBK: open it in Excel or WPS and save as 'CSV UTF-8 (comma delimited)'",
                         "无法按 UTF-8 或 GB18030/GBK 解码：请用 Excel 或 WPS 打开后另存为“CSV UTF-8（逗号分隔）”"),
    "bad_xlsx": ("{name} is not a readable workbook ({detail}): open it in Excel or WPS and save it again as .xlsx",
                 "{name} 不是可读取的工作簿（{detail}）：请用 Excel 或 WPS 打开后重新另存为 .xlsx"),
    "missing_sheet": ("table '{table}' is missing: {workbook} has no sheet named '{table}' or '{zh}' (its sheets: {sheets}); "
                      "rename the sheet, or add {table}.csv or {table}.xlsx",
                      "缺少数据表“{table}”：{workbook} 中没有名为“{table}”或“{zh}”的工作表（现有工作表：{sheets}）；"
                      "请重命名工作表，或添加 {table}.csv 或 {table}.xlsx"),
    "table_twice": ("table '{table}' is given twice, in {first} and in {others}: keep one and delete or rename the other "
                    "(tongbu would read only {first})",
                    "数据表“{table}”出现了两次：{first} 和 {others}；请保留一个，删除或重命名另一个（否则只会读取 {first}）"),
    "xlsx_merged": ("sheet '{sheet}' has merged cells {range}: only the first cell of a merged range holds a value, "
                    "the others read as empty; unmerge them (Home → Merge & Center) and fill in every cell",
                    "工作表“{sheet}”中 {range} 是合并单元格：合并区域只有第一个单元格有值，其余都读作空白；"
                    "请取消合并（开始 → 合并后居中）并填写每个单元格"),
    "xlsx_formula": ("cell {cell} of sheet '{sheet}' holds the formula {formula} but no saved value (the file was saved by "
                     "a program that does not calculate formulas): open it in Excel or WPS and save it, or paste the "
                     "values instead (Paste Special → Values)",
                     "工作表“{sheet}”的单元格 {cell} 是公式 {formula}，但没有保存计算结果（文件由不计算公式的程序保存）："
                     "请用 Excel 或 WPS 打开后保存，或改为粘贴数值（选择性粘贴 → 数值）"),
    "unreadable": ("cannot read the file: {detail}", "无法读取文件：{detail}"),
    "yaml_encoding": ("scenario.yaml is not UTF-8: open it in a text editor (e.g. Notepad) and save it with encoding UTF-8",
                      "scenario.yaml 不是 UTF-8 编码：请用文本编辑器（如记事本）打开，另存为 UTF-8 编码"),
    "need_list": ("{key} must be a list, e.g. {key}: {example}", "{key} 应为列表，例如 {key}: {example}"),
    "need_mapping": ("{key} must be a mapping of keys to values, e.g. {example}", "{key} 应为“键: 值”结构，例如 {example}"),
    "unknown_key": ("'{key}' is not a key tongbu knows here: check its spelling (the keys here: {keys})",
                    "“{key}”不是 tongbu 认识的键：请检查拼写（此处可用的键：{keys}）"),
    "unknown_key_suggest": ("'{key}' is not a key tongbu knows: did you mean '{suggestion}'? (the keys here: {keys})",
                            "“{key}”不是 tongbu 认识的键：是否应为“{suggestion}”？（此处可用的键：{keys}）"),
    "header_on_row": ("the header is on row {row}, not row 1: delete the {extra} row(s) above it",
                      "表头在第 {row} 行而非第 1 行：请删除其上方的 {extra} 行"),
    "missing_column": ("column '{column}' is missing (needed: {columns})", "缺少列“{column}”（需要的列：{columns}）"),
    "duplicate_column": ("column '{column}' appears twice", "列“{column}”重复出现"),
    "unknown_column": ("column '{column}' is not used by tongbu and was ignored", "列“{column}”不是 tongbu 使用的列，已忽略"),
    # values
    "required": ("is empty: {what} is required", "为空：{what} 必须填写"),
    "not_int": ("'{value}' is not a whole number", "“{value}”不是整数"),
    "not_number": ("'{value}' is not a number", "“{value}”不是数字"),
    "negative": ("'{value}' must not be negative", "“{value}”不能为负数"),
    "not_bool": ("'{value}' is not yes/no (是/否, 1/0, true/false)", "“{value}”不是“是/否”"),
    "bad_choice": ("'{value}' is not one of: {choices}", "“{value}”不是以下之一：{choices}"),
    "bad_date": ("'{value}' is not a date like 2026-09-01", "“{value}”不是形如 2026-09-01 的日期"),
    "bad_slots": ("'{value}' is not a list of weekdays and periods like 周一1-2;周三;Fri5 (a period is 1 or more)",
                  "“{value}”不是星期与节次的列表，应形如 周一1-2;周三;周五5（节次从 1 开始）"),
    "bad_period": ("'{value}' is not a period: write 'HH:MM-HH:MM', e.g. '08:00-08:40'",
                   "“{value}”不是一节课的时间：应写成“HH:MM-HH:MM”，例如 '08:00-08:40'"),
    "bad_range": ("'{value}' is not a date range first..last (at most a year, first before last)",
                  "“{value}”不是日期区间“起..止”（起在止之前，最长一年）"),
    "duplicate_day": ("{day} is listed twice", "{day} 重复出现"),
    "too_small": ("'{value}' is too small: the least allowed is {min}", "“{value}”太小：最小为 {min}"),
    "bad_type": ("'{value}' should be {expected}", "“{value}”应为{expected_zh}"),
    "doubles_over_periods": ("{doubles} double periods need {need} periods, the subject has only {periods}",
                             "{doubles} 次连堂需要 {need} 节，该学科每周只有 {periods} 节"),
    "duplicate_curriculum": ("{subject} is listed twice for grade {grade} (also on row {other}): give one row with the total",
                             "{grade} 年级的{subject}出现两次（另见第 {other} 行）：请合并为一行"),
    "bad_grades": ("'{value}' is not a list of grades like 1-6 or 1,2,3", "“{value}”不是年级列表，应形如 1-6 或 1,2,3"),
    "bad_value": ("{detail}", "{detail}"),
    # references and duplicates
    "duplicate_id": ("'{id}' is used twice (also on row {other}): ids must be unique", "“{id}”重复（另见第 {other} 行）：编号必须唯一"),
    "itinerant_teacher_twice": ("teacher {teacher} is in itinerant post {post} and also in {other}: a teacher holds one post",
                                "教师 {teacher} 同时在走教岗位 {post} 和 {other} 中：每位教师只能属于一个岗位"),
    "itinerant_no_reach": ("itinerant post {post} lists no schools and no radius_minutes: say which schools it serves",
                           "走教岗位 {post} 既没有列出服务学校，也没有 radius_minutes（服务半径）：请写明服务哪些学校"),
    "unknown_ref": ("unknown {kind} '{value}': it is not in {where}", "未知的{kind_zh}“{value}”：{where} 中没有"),
    "grade_not_offered": ("class in grade {grade}, but {school} only has grades {grades}", "班级为 {grade} 年级，但 {school} 只有 {grades} 年级"),
    "stage_mismatch": ("grade {grade} is not a {stage} grade", "{grade} 年级不属于{stage_zh}"),
    "teacher_cannot_teach": ("teacher {teacher} does not teach {subject} (subjects: {subjects})", "教师 {teacher} 不教{subject}（任教学科：{subjects}）"),
    "teacher_wrong_school": ("teacher {teacher} belongs to {school} and may not teach at {other}: add it to also_schools",
                             "教师 {teacher} 属于 {school}，不能在 {other} 任课：请在 also_schools（兼课学校）中加上"),
    "subject_not_in_curriculum": ("{subject} is not in grade {grade}'s curriculum", "{subject} 不在 {grade} 年级的课程计划中"),
    "duplicate_assignment": ("{class_id} {subject} already has teacher {other}; a class-subject has one teacher",
                             "{class_id} 的{subject}已由 {other} 任教；每班每科只能一位教师"),
    "unreachable": ("{school} cannot be reached by road from {other}: add a road in travel",
                    "{school} 与 {other} 之间没有道路连通：请在 travel 表中补充道路"),
    "not_in_travel": ("{school} is not in the travel table: add roads to it", "{school} 不在交通表中：请补充通往它的道路"),
    "consortium_no_lead": ("consortium {consortium} has no lead school (role lead)", "共同体 {consortium} 没有牵头学校（role 为 lead）"),
    "consortium_two_leads": ("consortium {consortium} has {count} lead schools: {schools}", "共同体 {consortium} 有 {count} 所牵头学校：{schools}"),
    "room_serves_nothing": ("room {room} serves no lessons: list the subjects that need it, or give it remote equipment "
                            "(远程互动) for sync lessons",
                            "教室 {room} 不服务任何课程：请填写需要它的学科，或在设备中写“远程互动”用于同步课堂"),
    "room_groups_overlap": ("{subject} at {school} is served by rooms {room} and {other}, which differ in subjects or remote "
                            "equipment: a subject is served by one group of rooms, so list the same subjects (and equipment) "
                            "on both",
                            "{school} 的{subject}由教室 {room} 和 {other} 服务，但两者的学科或远程设备不同：一个学科只能由一组"
                            "教室服务，请在两行写相同的学科（和设备）"),
    "sync_no_remote_room": ("sync lesson {sync}: {school} (class {class_id}) has no room with remote equipment: every end of a "
                            "sync lesson needs one; add its 录播教室 to the rooms table with equipment 远程互动",
                            "同步课堂 {sync}：{school}（{class_id}）没有配备远程互动设备的教室，同步课堂的每一端都需要：请在专用教室表中"
                            "加上该校的录播教室，设备写“远程互动”"),
    "sync_remote_too_small": ("sync lesson {sync}: {count} of its classes are at {school} ({classes}), but its rooms with "
                              "remote equipment take {places} at once: add a 录播教室 or raise its capacity",
                              "同步课堂 {sync}：有 {count} 个班在{school}（{classes}），但该校配备远程互动设备的教室同时只能容纳 "
                              "{places} 个班：请增加录播教室或提高其容量"),
    "room_over_capacity": ("{school}: {what} need {need} room-periods a week but rooms {rooms} offer {offer} ({capacity} at once "
                           "× {slots} periods): add a room or raise its capacity",
                           "{school}：{what_zh}每周需要 {need} 节次的教室，但教室 {rooms} 只能提供 {offer}（同时 {capacity} 个班 × "
                           "{slots} 节）：请增加教室或提高容量"),
    "sync_same_school": ("receiving class {class_id} is at the teaching school {school}: a synchronized lesson joins other schools",
                         "接收班级 {class_id} 与授课班级同在 {school}：同步课堂应连接其他学校"),
    "sync_grade": ("sync lesson {sync}: {subject} is not in the curriculum of {class_id}", "同步课堂 {sync}：{class_id} 的课程计划中没有{subject}"),
    "sync_cross_grade": ("sync lesson {sync} joins grade {grade} ({teaching}) with grade {other} ({class_id}): the classes "
                         "of a synchronized lesson learn the same lesson, so they must be in one grade; choose a receiving "
                         "class of grade {grade}",
                         "同步课堂 {sync} 把 {grade} 年级（{teaching}）与 {other} 年级（{class_id}）连在一起：同步课堂的各班上同一节课，"
                         "必须是同一年级；请改选 {grade} 年级的接收班级"),
    "sync_no_common_day": ("sync lesson {sync}: there is no weekday on which all its schools teach ({days}): give the "
                           "bell schedules a common teaching day, or move the lesson to classes that share one",
                           "同步课堂 {sync}：没有各校都上课的日子（{days}）：请让作息表有共同的上课日，或改选有共同上课日的班级"),
    "sync_no_common_time": ("sync lesson {sync}: no period of {class_id} ({bells}) and period of {teaching} ({teaching_bells}) "
                            "{how} under every bell schedule and season, so the lesson cannot be live in both: give one "
                            "period of both schedules the same clock times (in every season){or_overlap}",
                            "同步课堂 {sync}：{class_id}（{bells}）与 {teaching}（{teaching_bells}）没有任何一对课节在所有作息"
                            "（含季节作息）下{how_zh}，无法同时上课：请让两张作息表有一节课时间相同（每个季节都相同）{or_overlap_zh}"),
    "sync_no_common_time_all": ("sync lesson {sync}: each pair of its classes has periods that meet, but no one period of "
                                "every class ({classes}) {how} all together under every bell schedule and season: give one "
                                "period of their schedules the same clock times (in every season){or_overlap}",
                                "同步课堂 {sync}：各班两两之间都有能对上的课节，但找不到一组课节让所有班级（{classes}）在所有作息"
                                "（含季节作息）下同时{how_zh}：请让各作息表有一节课时间相同（每个季节都相同）{or_overlap_zh}"),
    "sync_too_many": ("{class_id} has {count} synchronized {subject} lessons a week but only {periods} {subject} periods",
                      "{class_id} 每周有 {count} 节同步{subject}课，但课程计划只有 {periods} 节"),
    # calendar
    "makeup_on_holiday": ("{date} is declared both a holiday and a make-up workday", "{date} 同时被定为假日和调休上班日"),
    "makeup_on_weekday": ("make-up day {date} is a {weekday}: a make-up workday (调休) is a Saturday or Sunday", "调休上班日 {date} 是{weekday_zh}：调休上班日应为周六或周日"),
    "makeup_follows_weekend": ("make-up day {date} must follow a weekday's timetable (周一…周五), not {follows}", "调休日 {date} 应按周一至周五某天的课表上课，而不是{follows}"),
    "date_outside_term": ("{date} is outside the term ({start} to {end})", "{date} 不在学期内（{start} 至 {end}）"),
    "term_order": ("the term ends {end} before it starts {start}", "学期结束日期 {end} 早于开始日期 {start}"),
    "season_outside": ("season '{season}' starts {date}, outside the term; it would never be used", "作息“{season}”开始于 {date}，不在学期内，不会生效"),
    # bells
    "bell_overlap": ("period {period} starts {start} before period {prev} ends {end}", "第 {period} 节 {start} 开始，早于第 {prev} 节结束时间 {end}"),
    "bell_order": ("period {period} ends {end} before it starts {start}", "第 {period} 节结束时间 {end} 早于开始时间 {start}"),
    "season_periods": ("season '{season}' has {count} periods, the base schedule has {base}: a season only moves clock times",
                       "作息“{season}”有 {count} 节，基础作息有 {base} 节：季节作息只能调整时间，不能改变节数"),
    "bad_time": ("'{value}' is not a clock time like 08:05", "“{value}”不是形如 08:05 的时间"),
    # capacity
    "class_over_slots": ("{class_id} needs {need} periods a week, its bell schedule has only {slots} slots",
                         "{class_id} 每周需 {need} 节课，作息表只有 {slots} 个课时"),
    "subject_over_capacity": ("{school}: {subject} needs {need} periods a week, its teachers can give at most {cap} ({teachers})",
                              "{school}：{subject}每周需 {need} 节，可任教教师最多只能上 {cap} 节（{teachers}）"),
    "no_teacher_for_subject": ("{school}: nobody can teach {subject} ({need} periods a week): add a teacher, or a sync/remote lesson",
                               "{school}：没有教师能教{subject}（每周 {need} 节）：请增加教师，或安排同步/专递课堂"),
    "school_over_capacity": ("{school}: its classes need {need} periods a week, its teachers can give at most {cap}",
                             "{school}：全校每周需 {need} 节课，教师最多只能上 {cap} 节"),
    "teacher_over_weekly": ("teacher {teacher} is assigned {load} periods a week, more than max_weekly {max} ({detail}): "
                            "give some of these classes to another teacher, or raise max_weekly",
                            "教师 {teacher} 每周安排 {load} 节，超过周课时上限 {max}（{detail_zh}）：请把部分班级交给其他教师，"
                            "或提高周课时上限"),
    "teacher_never_available": ("teacher {teacher} is unavailable in every period of the week ({unavailable}) but is given "
                                "{load} periods ({detail}): shorten unavailable, or give these lessons to another teacher",
                                "教师 {teacher} 每周所有课时都不可排（{unavailable}），却安排了 {load} 节（{detail_zh}）："
                                "请缩小不可排时间，或把这些课交给其他教师"),
    "research_too_long": ("research block {block} lasts {minutes} minutes, but the teaching day of its schools spans only "
                          "{span} minutes ({first}–{last}, first period start to last period end): shorten it, or split "
                          "it into two blocks",
                          "教研活动 {block} 时长 {minutes} 分钟，但相关学校一天的上课时间（第一节开始到最后一节结束，{first}–{last}）"
                          "只有 {span} 分钟：请缩短时长，或拆成两次活动"),
    "teacher_over_slots": ("teacher {teacher} is assigned {load} periods but is available for only {free} ({why})",
                           "教师 {teacher} 安排了 {load} 节，但只有 {free} 个可上课时段（{why_zh}）"),
    "double_no_room": ("{class_id}: {subject} asks for {doubles} double periods but no half-day of its bell schedule has 2 periods",
                       "{class_id}：{subject}要求 {doubles} 次连堂，但作息表中没有连续两节的半天"),
    "term_data": ("{detail}", "{detail_zh}"),
    # the pacing table (教学进度)
    "pacing_not_in_curriculum": ("grade {grade} has no {subject} in the curriculum: a pacing sequence is for a subject the "
                                 "grade is taught", "{grade} 年级的课程计划中没有{subject}：教学进度只能为该年级开设的学科填写"),
    "pacing_lessons": ("'{title}' is a {kind} and needs its lessons (课时), at least 1",
                       "“{title}”是{kind_word}，需要填写课时（至少 1）"),
    "pacing_assessment_lessons": ("'{title}' is an assessment: leave lessons empty (review before it is a row of kind review)",
                                  "“{title}”是测评：课时请留空（测评前的复习请单独填一行“复习”）"),
    "pacing_no_date": ("'{title}' is an assessment and needs its date", "“{title}”是测评，需要填写日期"),
    "pacing_date_unused": ("'{title}' is a {kind}: only an assessment has a date; leave it empty",
                           "“{title}”是{kind_word}：只有测评填写日期，请留空"),
    "pacing_date_outside": ("'{title}': {date} is outside the term ({start} to {end})",
                            "“{title}”：{date} 不在本学期（{start} 至 {end}）内"),
    "pacing_date_no_school": ("'{title}': {date} is not a school day (a weekend or holiday): a unified assessment is held on a "
                              "teaching day or on one of term.assessment_days",
                              "“{title}”：{date} 不是上课日（周末或节假日）：统一测评应安排在上课日或 term.assessment_days 中的日期"),
    "pacing_date_order": ("'{title}' on {date} follows the assessment on {other} in the teaching order (seq) but is not later: "
                          "order the rows by date", "“{title}”（{date}）在教学顺序（序号）中排在 {other} 的测评之后，日期却不晚于它：请按日期排序"),
    "pacing_seq_twice": ("grade {grade} {subject}: seq {seq} is used twice{scope} (also on row {other})",
                         "{grade} 年级{subject}：序号 {seq} 重复{scope_zh}（另见第 {other} 行）"),
    "pacing_no_classes": ("grade {grade} {subject}{scope}: no class of {where} has this grade and subject, so no pace is "
                          "planned for it", "{grade} 年级{subject}{scope_zh}：{where_zh}没有该年级开设该学科的班级，不编排进度"),
    # summaries
    "valid": ("{path}: no problems found", "{path}：未发现问题"),
    "problems_found": ("{count} problem(s) found", "共发现 {count} 个问题"),
    "warnings_found": ("{count} warning(s)", "{count} 条提示"),
}

KIND_ZH = {"school": "学校", "class": "班级", "teacher": "教师", "subject": "学科", "consortium": "共同体",
           "bell schedule": "作息表", "room": "专用教室", "place": "地点", "sync lesson": "同步课堂", "research block": "教研活动"}
STAGE_ZH = {"primary": "小学", "junior": "初中"}
#: The status words every solver reports, in Chinese.
STATUS_ZH: dict[str, str] = {**{status.value: status.zh for status in Status}, "ratios_impossible": "比例无法满足"}

_language = "en"


def default_language() -> str:
    """'zh' when the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) is Chinese, else 'en'."""
    for var in ("TONGBU_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    loc = locale.getlocale()[0] or ""
    return "zh" if loc.lower().startswith("zh") else "en"


def set_language(lang: str) -> None:
    global _language
    _language = "zh" if lang.lower().startswith("zh") else "en"


def language() -> str:
    return _language


def tr(code: str, lang: str | None = None, **params: object) -> str:
    """The message ``code`` in ``lang`` (default: the current language), filled with ``params``."""
    en, zh = CATALOGUE[code]
    lang = lang or _language
    if lang == "zh":
        extra = dict(params)
        extra.setdefault("kind_zh", KIND_ZH.get(str(params.get("kind", "")), params.get("kind", "")))
        extra.setdefault("stage_zh", STAGE_ZH.get(str(params.get("stage", "")), params.get("stage", "")))
        weekday = params.get("weekday")
        if weekday is not None:
            extra.setdefault("weekday_zh", "周" + "一二三四五六日"[["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(str(weekday))])
        extra.setdefault("detail_zh", params.get("detail", ""))
        return zh.format(**extra)
    return en.format(**params)


def pick(en: str, zh: str) -> str:
    """For messages made elsewhere in both languages: the one for the current language."""
    return zh if _language == "zh" else en
