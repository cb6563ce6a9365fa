"""docs/format.md is generated from models/tables.py and the scenario.yaml models, and is up to date."""

from __future__ import annotations

from pathlib import Path

from models.docs import YAML_SECTIONS, format_markdown
from models.tables import TABLES

DOC = Path(__file__).resolve().parent.parent / "docs" / "format.md"


def test_format_md_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == format_markdown(), \
        "docs/format.md is stale: run  python -m models.docs > docs/format.md"


def test_every_column_and_yaml_key_is_documented() -> None:
    text = format_markdown()
    for table in TABLES:
        heading = f"### {table.name}.csv — {table.zh}"
        assert heading in text
        section = text.split(heading)[1].split("### ")[0]
        for column in table.columns:
            row = next(line for line in section.splitlines() if line.startswith(f"| `{column.name}` | {column.zh}"))
            assert ("| yes |" in row) == column.required, row
    for key, model, _, _ in YAML_SECTIONS:
        assert f"### `{key}`" in text
        for name, info in model.model_fields.items():
            assert f"| `{info.alias or name}` |" in text


def test_published_json_schemas_are_up_to_date() -> None:
    import json

    from models.schema import schemas

    folder = DOC.parent / "schema"
    for name, document in schemas().items():
        published = json.loads((folder / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert published == document, f"docs/schema/{name}.schema.json is stale: run  tongbu schema --out docs/schema"


def test_every_model_read_from_scenario_yaml_rejects_unknown_keys() -> None:
    """extra="forbid" everywhere scenario.yaml is read, so a misspelt key is reported, never silently dropped."""
    from models.bells import BellPeriod
    from models.explicit import ExplicitTimetable, LeftOut

    for model in [m for _, m, _, _ in YAML_SECTIONS] + [BellPeriod, LeftOut, ExplicitTimetable]:
        assert model.model_config.get("extra") == "forbid", model.__name__


def test_the_top_level_keys_accepted_are_the_documented_ones() -> None:
    from models.files import top_level_keys

    text = format_markdown().split("## scenario.yaml")[1]
    for key in top_level_keys():
        assert f"| `{key}` |" in text or f"### `{key}`" in text, key
