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
        """Where, as a person finds it: a table's row and column (with its Chinese header), a YAML line and key."""
        zh = lang == "zh"
        in_yaml = self.file.endswith((".yaml", ".yml"))
        parts = [self.file]
        if self.row is not None:
            parts.append(f"第 {self.row} 行" if zh else f"{'line' if in_yaml else 'row'} {self.row}")
        if self.column:
            if in_yaml and self.column.isdigit():  # a YAML parse error: the column of the line
                parts.append(f"第 {self.column} 列" if zh else f"column {self.column}")
            elif in_yaml:
                parts.append(f"键 {self.column}" if zh else f"key {self.column}")
            else:
                label = _column_label(self.file, self.column)
                parts.append(f"列 {label}" if zh else f"column {label}")
        return "，".join(parts) if zh else ", ".join(parts)

    def render(self, lang: str | None = None) -> str:
        from models.messages import language

        lang = lang or language()
        label = ("警告" if self.severity == "warning" else "错误") if lang == "zh" else self.severity
        return f"{label}: {self.place(lang)}: {tr(self.code, lang, **self.params)}"

    def sort_key(self) -> tuple:
        return (self.file, self.row if self.row is not None else -1, self.column or "", self.code,
                tuple(sorted((k, str(v)) for k, v in self.params.items())))


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


def _column_label(file: str, column: str) -> str:
    """``school (学校)`` for a known column of a known table, so both header spellings can be found."""
    from models.tables import TABLE_BY_NAME

    stem = file.split("[")[-1].rstrip("]") if "[" in file else file.rsplit(".", 1)[0]
    table = TABLE_BY_NAME.get(stem) or next((t for t in TABLE_BY_NAME.values() if t.zh == stem), None)
    if table is None:
        return column
    match = next((c for c in table.columns if c.name == column), None)
    return f"{column} ({match.zh})" if match else column
