"""Term calendar, iCalendar feeds (teacher, class, school, consortium) and the subscription server.

See docs/feeds.md for the form of the feeds and why.
"""

from feeds.term import TeachingDay, TermDataMissing, TermProblem, teaching_days, term_problems
from feeds.writer import write_feeds

__all__ = ["TeachingDay", "TermDataMissing", "TermProblem", "teaching_days", "term_problems", "write_feeds"]
