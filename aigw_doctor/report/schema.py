"""The JSON Schema of each command's `--format json` report, generated from the report dataclasses.

pydantic derives it (it understands the plain dataclasses); what the models cannot say is added here: the
report always carries every field (so all are required), and `schema_version` is pinned. Extra properties
stay allowed: new fields may be added while `schema_version` stays the same.
"""

from __future__ import annotations

from typing import Any

from aigw_doctor.model import REPORT_SCHEMA_VERSION

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
REPORTS = ("check", "explain", "analyze")


def _report_type(name: str) -> tuple[type, int]:
    """The report dataclass and the `schema_version` it is published with."""
    if name == "check":
        from aigw_doctor.check.model import CheckReport

        return CheckReport, REPORT_SCHEMA_VERSION
    if name == "explain":
        from aigw_doctor.explain import ExplainReport

        return ExplainReport, REPORT_SCHEMA_VERSION
    if name == "analyze":
        from aigw_doctor.analyze.summary import REPORT_SCHEMA_VERSION as ANALYZE_SCHEMA_VERSION
        from aigw_doctor.analyze.summary import AnalyzeReport

        return AnalyzeReport, ANALYZE_SCHEMA_VERSION
    raise ValueError(f"no JSON report named {name!r}; choose from {', '.join(REPORTS)}")


def report_schema(name: str) -> dict[str, Any]:
    """The schema of `aigw-doctor NAME --format json`."""
    from pydantic import TypeAdapter

    report_type, schema_version = _report_type(name)
    generated = TypeAdapter(report_type).json_schema(mode="serialization")
    for definition in [generated, *generated.get("$defs", {}).values()]:
        if definition.get("type") == "object" and "properties" in definition:
            definition["required"] = list(definition["properties"])
    version = generated["properties"]["schema_version"]
    version.pop("default", None)
    version["const"] = schema_version
    version["description"] = "Bumped only when an existing field changes meaning or goes away."
    if name == "analyze":
        _closed_lists(generated["$defs"])
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": f"aigw-doctor {name} report",
        **{k: v for k, v in generated.items() if k != "title"},
    }


def _closed_lists(definitions: dict[str, Any]) -> None:
    """analyze's rows hold categories and severities as plain strings (they are counted, not modelled): the
    schema still names the fixed lists, as the check and explain schemas do."""
    from aigw_doctor.model import Category, Severity

    categories = [c.value for c in Category]
    definitions["DiagnosisRow"]["properties"]["category"]["enum"] = categories
    definitions["DiagnosisRow"]["properties"]["severity"]["enum"] = [s.value for s in Severity]
    definitions["CategoryRow"]["properties"]["category"]["enum"] = categories
