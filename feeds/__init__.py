"""iCalendar feeds (teacher, class, school, consortium) and the subscription server.

The writers receive data (the solution, travel legs, activity events); they import only ``models``.
See docs/feeds.md for the form of the feeds and why.
"""

from feeds.writer import write_feeds

__all__ = ["write_feeds"]
