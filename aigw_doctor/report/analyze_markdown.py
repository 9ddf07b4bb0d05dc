"""The analyze summary as Markdown, for an issue, a chat or a CI step summary."""

from __future__ import annotations

from aigw_doctor.analyze.present import counts_line, duration, headline, one_line, seen_range, when
from aigw_doctor.analyze.summary import AnalyzeReport


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: AnalyzeReport) -> str:
    lines = ["## aigw-doctor analyze", "", f"{headline(report)}  ", f"{counts_line(report)}"]
    if report.first_seen:
        lines[-1] += "  "
        lines.append(f"from {when(report.first_seen)} to {when(report.last_seen)} UTC")
    lines.append("")
    if report.diagnoses:
        lines += [
            "| # | Diagnosis | Category | Count | Share | Seen (UTC) | Fix |",
            "| ---: | --- | --- | ---: | ---: | --- | --- |",
        ]
        for index, row in enumerate(report.diagnoses, 1):
            title = f"**{_cell(row.title)}**<br>`{row.rule}` · {row.severity}"
            fix = _cell(one_line(row.fix)) + (f" [docs]({row.docs})" if row.docs else "")
            lines.append(
                f"| {index} | {title} | {row.category} | {row.count:,} | {row.share:.1%} | "
                f"{_cell(seen_range(row.first_seen, row.last_seen))} | {fix} |"
            )
        if report.diagnoses_omitted:
            lines.append(f"\n{report.diagnoses_omitted} more diagnoses not shown (`--top 0` shows all).")
        lines.append("")
        lines.append("<details><summary>Examples</summary>\n")
        for index, row in enumerate(report.diagnoses, 1):
            example = _cell(row.example).replace("`", "'")
            lines.append(f"{index}. `{row.rule}` at `{_cell(row.example_at)}`: `{example}`")
        lines.append("\n</details>\n")
    if report.statuses:
        lines += ["| Status | Count | Share |", "| ---: | ---: | ---: |"]
        lines += [f"| {s.status} | {s.count:,} | {s.share:.1%} |" for s in report.statuses]
        lines.append("")
    if report.categories:
        lines += ["| Category | Count | Share |", "| --- | ---: | ---: |"]
        lines += [f"| {c.category} | {c.count:,} | {c.share:.1%} |" for c in report.categories]
        lines.append("")
    if report.timeline is not None:
        width = duration(report.timeline.bucket_seconds)
        lines += [f"| Diagnosed per {width} from (UTC) | Count |", "| --- | ---: |"]
        lines += [f"| {when(b.start)} | {b.count:,} |" for b in report.timeline.buckets]
        lines.append("")
    if report.malformed.count:
        lines.append(f"**{report.malformed.count:,} unreadable records**, first ones:")
        lines += [f"- `{_cell(m.input)}` line {m.line or '?'}: {_cell(m.reason)}" for m in report.malformed.examples]
        lines.append("")
    lines.append(f"_{report.verdict}_")
    return "\n".join(lines) + "\n"
