"""Random mutations of a valid scenario never produce a traceback: only problems, exit 0 or 2.

The mutations are the damage a scenario folder suffers in real life: cells emptied or overtyped
with text, numbers, negatives or odd unicode; rows deleted or duplicated; columns deleted; headers
swapped or renamed; files cut short or saved in another encoding; scenario.yaml values replaced by
values of another shape (a list for a mapping, a number for a time, …).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import cli
from fixtures.validate_base import TABLES, base_yaml, write_base
from models.files import write_csv
from models.problems import Problem
from models.validation import validate_folder

TABLE_NAMES = sorted(TABLES)

cell_text = st.one_of(
    st.just(""),
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
    st.integers(min_value=-10**6, max_value=10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["-1", "0", "1e400", "nan", "周八", "周一1-99", "周一0", "7-3", "08:00", "2026-02-30", "是", "否",
                     "示例一小", "T01", "示例一小4(1)", "语文", ";;", "\"", "\t", "\n", "\x00", "１２", "一年级"]),
)

yaml_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**4, 10**4), st.floats(allow_nan=False), st.text(max_size=10),
              st.dates().map(str), st.sampled_from(["08:00-08:40", "8:00", "25:00-26:00", "周一", "2026-10-01..2026-10-03"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)

table_mutation = st.tuples(
    st.sampled_from(["cell", "delete_row", "duplicate_row", "delete_column", "swap_header", "rename_header"]),
    st.sampled_from(TABLE_NAMES), st.integers(0, 20), st.integers(0, 20), cell_text)
file_mutation = st.tuples(st.sampled_from(["truncate", "gb18030", "utf-16", "garbage", "delete_file"]),
                          st.sampled_from(TABLE_NAMES + ["scenario.yaml"]), st.integers(0, 10**6))
yaml_mutation = st.tuples(st.just("yaml"), st.lists(st.integers(0, 30), min_size=1, max_size=4), yaml_value)


def _mutate_table(tables: dict[str, list[list[str]]], kind: str, name: str, row: int, column: int, text: str) -> None:
    rows = tables[name]
    width = max(len(r) for r in rows)
    r, c = row % len(rows), column % width
    if kind == "cell":
        rows[r] = rows[r] + [""] * (width - len(rows[r]))
        rows[r][c] = text
    elif kind == "delete_row":
        del rows[r]
        if not rows:
            rows.append([])
    elif kind == "duplicate_row":
        rows.insert(r, list(rows[r]))
    elif kind == "delete_column":
        tables[name] = [x[:c] + x[c + 1:] for x in rows]
    elif kind == "swap_header" and len(rows[0]) > 1:
        header = rows[0]
        other = (c + 1 + row) % len(header)
        header[c % len(header)], header[other] = header[other], header[c % len(header)]
    elif kind == "rename_header" and rows[0]:
        rows[0][c % len(rows[0])] = text


def _mutate_yaml(data: Any, path: list[int], value: Any) -> Any:
    """Replace the value found by walking ``path`` (indexes into keys or items) with ``value``."""
    if not path or not isinstance(data, (dict, list)) or not data:
        return value
    if isinstance(data, dict):
        key = list(data)[path[0] % len(data)]
        data[key] = _mutate_yaml(data[key], path[1:], value)
    else:
        index = path[0] % len(data)
        data[index] = _mutate_yaml(data[index], path[1:], value)
    return data


def _mutate_file(folder: Path, kind: str, name: str, number: int) -> None:
    path = folder / (name if name.endswith(".yaml") else f"{name}.csv")
    if not path.exists():
        return
    data = path.read_bytes()
    text = data.decode("utf-8-sig", errors="replace")
    if kind == "truncate":
        path.write_bytes(data[:number % (len(data) + 1)])
    elif kind == "gb18030":
        path.write_bytes(text.encode("gb18030"))
    elif kind == "utf-16":
        path.write_bytes(text.encode("utf-16"))
    elif kind == "garbage":
        position = number % (len(data) + 1)
        path.write_bytes(data[:position] + bytes([0xFF, number % 256, 0x80]) + data[position:])
    elif kind == "delete_file":
        path.unlink()


_BASE = Path(tempfile.mkdtemp(prefix="tongbu-fuzz-")) / "base"
write_base(_BASE)


def _check_problems(problems: list[Problem]) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file
        # Every message renders in both languages: a missing parameter would be a KeyError here.
        assert problem.render("en") and problem.render("zh")


# No shrinking: a failure is reported as generated (shrinking a folder-writing test can take minutes).
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
          phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(mutations=st.lists(st.one_of(table_mutation, table_mutation, file_mutation, yaml_mutation), min_size=1, max_size=3))
def test_random_mutations_never_raise(mutations: list[tuple]) -> None:
    work = Path(tempfile.mkdtemp(prefix="tongbu-fuzz-"))
    try:
        folder = work / "county"
        shutil.copytree(_BASE, folder)
        tables = {name: [list(r) for r in rows] for name, rows in TABLES.items()}
        data = base_yaml()
        for mutation in mutations:
            if mutation[0] == "yaml":
                data = _mutate_yaml(data, mutation[1], mutation[2])
        for mutation in mutations:
            if mutation[0] in ("cell", "delete_row", "duplicate_row", "delete_column", "swap_header", "rename_header"):
                _mutate_table(tables, *mutation)
        for name, rows in tables.items():
            write_csv(rows, folder / f"{name}.csv")
        (folder / "scenario.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        for mutation in mutations:
            if mutation[0] in ("truncate", "gb18030", "utf-16", "garbage", "delete_file"):
                _mutate_file(folder, *mutation)

        scenario, problems = validate_folder(folder)
        _check_problems(problems)
        errors = [p for p in problems if p.severity == "error"]
        assert scenario is not None or errors, "no scenario, yet no error says why"

        for lang in ("en", "zh"):
            result = CliRunner().invoke(cli.main, ["--lang", lang, "validate", str(folder)])
            assert result.exit_code == (2 if errors else 0), result.output
            if result.exit_code:
                assert isinstance(result.exception, SystemExit), repr(result.exception)
            else:
                assert result.exception is None, repr(result.exception)
    finally:
        shutil.rmtree(work, ignore_errors=True)
