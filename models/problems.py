"""Problems found in a scenario: where (file, row, column), what (a message code), and how bad."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.messages import tr


@dataclass(frozen=True)
class Problem:
    """One problem in a scenario folder. ``row`` is the spreadsheet row number (header = 1)."""

    file: str
    code: str
    params: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    row: int | None = None
    column: str | None = None
    severity: str = "error"

    def place(self, lang: str | None = None) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"第 {self.row} 行" if lang == "zh" else f"row {self.row}")
        if self.column:
            parts.append(f"列 {self.column}" if lang == "zh" else f"column {self.column}")
        return ", ".join(parts) if lang != "zh" else "，".join(parts)

    def render(self, lang: str | None = None) -> str:
        from models.messages import language

        lang = lang or language()
        label = ("警告" if self.severity == "warning" else "错误") if lang == "zh" else self.severity
        return f"{label}: {self.place(lang)}: {tr(self.code, lang, **self.params)}"

    def sort_key(self) -> tuple:
        return (self.file, self.row if self.row is not None else -1, self.column or "", self.code,
                sorted((k, str(v)) for k, v in self.params.items()))


class ScenarioInvalid(Exception):
    """Raised by ``load_scenario`` when the folder has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    unique: dict[tuple, Problem] = {}
    for problem in problems:
        unique.setdefault(problem.sort_key() + (problem.severity,), problem)
    return sorted(unique.values(), key=lambda p: (p.severity != "error",) + p.sort_key())
