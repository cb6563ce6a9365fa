"""The one error vocabulary: every failure a user can meet, in English and Chinese, with its exit code.

The library raises these; the command line turns them into a message and an exit code in one
place (cli.py). Exit codes, as the README documents them:

* 0 done
* 1 a check found violations (``verify``, ``verify-plan``, a solve whose result failed its check)
* 2 bad input: the message names the file, row and field and says what to do
* 3 proven impossible: no timetable (or plan) meets the requirements; the message names them
* 4 not found in the time given: nothing was proven impossible, one may exist (a longer
  ``--time-limit`` may find it), or parts were lost by the executor and a rerun finishes them
"""

from __future__ import annotations

from collections.abc import Iterable

EXIT_DONE = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2
EXIT_IMPOSSIBLE = 3
EXIT_NOT_FOUND = 4


class TongbuError(Exception):
    """A failure with a message in both languages (a headline and detail lines) and an exit code."""

    exit_code = EXIT_VIOLATIONS

    def __init__(self, en: str, zh: str, details: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh
        self.details = tuple(details)

    def text(self, lang: str) -> str:
        """The whole message in ``lang`` ('en' or 'zh'): the headline, then one line per detail."""
        head = self.zh if lang == "zh" else self.en
        lines = [head] + ["  - " + (zh if lang == "zh" else en) for en, zh in self.details]
        return "\n".join(line for line in lines if line)


class BadInput(TongbuError):
    exit_code = EXIT_BAD_INPUT


class Impossible(TongbuError):
    exit_code = EXIT_IMPOSSIBLE


class NotFoundInTime(TongbuError):
    exit_code = EXIT_NOT_FOUND


class ViolationsFound(TongbuError):
    exit_code = EXIT_VIOLATIONS
