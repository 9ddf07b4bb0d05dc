"""The JSON Schema of each command's `--format json` report, generated from the report dataclasses.

pydantic derives it (it understands the plain dataclasses); what the models cannot say is added here: the
report always carries every field (so all are required), and `schema_version` is pinned. Extra properties
stay allowed: new fields may be added while `schema_version` stays the same.
"""

from __future__ import annotations

from typing import Any

from aigw_doctor.model import REPORT_SCHEMA_VERSION

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
REPORTS = ("check", "explain")


def _report_type(name: str) -> type:
    if name == "check":
        from aigw_doctor.check.model import CheckReport

        return CheckReport
    if name == "explain":
        from aigw_doctor.explain import ExplainReport

        return ExplainReport
    raise ValueError(f"no JSON report named {name!r}; choose from {', '.join(REPORTS)}")


def report_schema(name: str) -> dict[str, Any]:
    """The schema of `aigw-doctor NAME --format json`."""
    from pydantic import TypeAdapter

    generated = TypeAdapter(_report_type(name)).json_schema(mode="serialization")
    for definition in [generated, *generated.get("$defs", {}).values()]:
        if definition.get("type") == "object" and "properties" in definition:
            definition["required"] = list(definition["properties"])
    version = generated["properties"]["schema_version"]
    version.pop("default", None)
    version["const"] = REPORT_SCHEMA_VERSION
    version["description"] = "Bumped only when an existing field changes meaning or goes away."
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": f"aigw-doctor {name} report",
        **{k: v for k, v in generated.items() if k != "title"},
    }
