"""The one violation type: a broken requirement, found by a check (constraints/checks), in the user's words.

Every check returns these (the timetable's families, the quality report, the pacing calendar, the activity
calendar, the exchange plan); ``tongbu verify`` prints them and exits 1 when there are any.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """One broken requirement: a rule id, the place in the user's words, and the message in both languages."""

    rule: str
    where: str
    en: str
    zh: str

    def text(self, lang: str) -> str:
        return self.zh if lang.lower().startswith("zh") else self.en
