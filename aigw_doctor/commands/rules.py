"""`aigw-doctor rules list|show|lint|test`: browse and check the rule catalog."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aigw_doctor.commands.common import (
    FormatOption,
    NoColorOption,
    OutputFormat,
    RulesOption,
    UsageProblem,
    load_rules,
    reported_errors,
)
from aigw_doctor.exitcodes import ExitCode
from aigw_doctor.model import Category
from aigw_doctor.redact import mask_report, mask_text
from aigw_doctor.terminal import Terminal

if TYPE_CHECKING:
    from aigw_doctor.model import Rule

app = typer.Typer(
    name="rules",
    help="Browse, lint and test the rule catalog.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


def _complete_gateway(incomplete: str) -> list[str]:
    from aigw_doctor.model import rule_owners

    return [g for g in rule_owners() if g.startswith(incomplete)]


def _complete_rule_id(incomplete: str) -> list[str]:
    try:
        return [r.id for r in load_rules(None).rules if r.id.startswith(incomplete)]
    except Exception:
        return []


def render_rule_list(terminal: Terminal, rules: list[Rule], output: OutputFormat, *, full: bool = False) -> None:
    if output is OutputFormat.json:
        from aigw_doctor.report.json import to_json

        if full:
            payload = {"rules": [rule_document(rule) for rule in rules]}
        else:
            payload = {"rules": [_summary(rule) for rule in rules]}
        terminal.write_raw(to_json(mask_report(payload)))
        return
    from rich.table import Table

    table = Table(show_edge=False, header_style="bold")
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("gateway", no_wrap=True)
    table.add_column("status", max_width=15, overflow="fold")
    table.add_column("category", no_wrap=True)
    table.add_column("title", overflow="fold", min_width=30)
    for rule in rules:
        statuses = ",".join(str(code) for code in rule.match.statuses()) or "-"
        table.add_row(rule.id, rule.gateway, statuses, rule.category.value, mask_text(rule.title))
    terminal.print(table)
    terminal.note(f"{len(rules)} rules")


def rule_document(rule: Rule, *, compact: bool = False) -> dict[str, Any]:
    """A rule as its file would write it: `in:` for the membership test, and (compact) no empty values."""
    from aigw_doctor.plain import plain

    def shape(value: Any) -> Any:
        if isinstance(value, dict):
            items = {("in" if k == "one_of" else k): shape(v) for k, v in value.items()}
            if compact:
                items = {k: v for k, v in items.items() if v not in (None, [], {}) and not (k == "priority" and v == 0)}
            return items
        if isinstance(value, list):
            return [shape(v) for v in value]
        return value

    document: dict[str, Any] = shape(plain(rule))
    return document


def _summary(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.id,
        "gateway": rule.gateway,
        "status": rule.match.statuses(),
        "category": rule.category.value,
        "severity": rule.severity.value,
        "transient": rule.transient,
        "title": rule.title,
        "aliases": rule.aliases,
        "docs": rule.docs,
    }


@app.command("list")
def list_rules(
    gateway: Annotated[
        str | None, typer.Option("--gateway", "-g", help="Only this gateway's rules.", autocompletion=_complete_gateway)
    ] = None,
    category: Annotated[Category | None, typer.Option("--category", "-c", help="Only this category.")] = None,
    output: FormatOption = OutputFormat.text,
    rules: RulesOption = None,
    no_color: NoColorOption = False,
) -> None:
    """List the rules: id, gateway, status, category, title.

    [bold]Examples[/]: aigw-doctor rules list --gateway neon · aigw-doctor rules list --category quota --format json
    """
    terminal = Terminal(no_color=no_color)
    with reported_errors(terminal):
        from aigw_doctor.model import rule_owners

        if gateway is not None:
            gateway = gateway.strip().lower()
        if gateway is not None and gateway not in rule_owners():
            raise UsageProblem(f"unknown gateway {gateway!r}; choose from {', '.join(rule_owners())}")
        catalog = load_rules(rules)
    selected = [
        r
        for r in catalog.rules
        if (gateway is None or r.gateway == gateway) and (category is None or r.category == category)
    ]
    render_rule_list(terminal, sorted(selected, key=lambda r: r.id), output)


@app.command("show")
def show_rule(
    rule_id: Annotated[str, typer.Argument(help="A rule id or alias.", autocompletion=_complete_rule_id)],
    output: FormatOption = OutputFormat.text,
    rules: RulesOption = None,
    no_color: NoColorOption = False,
) -> None:
    """Show one rule in full, with where it is defined. Example: aigw-doctor rules show neon.quota.temporary"""
    terminal = Terminal(no_color=no_color)
    with reported_errors(terminal):
        catalog = load_rules(rules)
        found = catalog.lookup(rule_id)
        if not found:
            from aigw_doctor.explain import suggest

            close = suggest(rule_id, catalog)
            hint = f"; did you mean {', '.join(close)}?" if close else "; see 'aigw-doctor rules list'"
            raise UsageProblem(f"no such rule: {rule_id!r}{hint}")
    if output is OutputFormat.json:
        from aigw_doctor.report.json import to_json

        terminal.write_raw(to_json(mask_report({"rules": [rule_document(r) for r in found]})))
        return
    import yaml

    for rule in found:
        source = catalog.sources.get(rule.id)
        if source:
            terminal.note(f"{source.path}:{source.line}")
        data = rule_document(rule, compact=True)
        from rich.syntax import Syntax

        terminal.print(
            Syntax(
                mask_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)),
                "yaml",
                theme="ansi_dark",
            )
        )


@app.command("lint")
def lint_rules(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Rule files or directories (default: the catalog).")
    ] = None,
    no_color: NoColorOption = False,
) -> None:
    """Validate rule files: schema, regexes, duplicate ids. Errors name the file and line (exit 2).

    [bold]Example[/]: aigw-doctor rules lint my-rules/
    """
    terminal = Terminal(no_color=no_color)
    with reported_errors(terminal):
        catalog = _catalog_for(paths)
    terminal.print(f"ok: {len(catalog.rules)} rules valid")


@app.command("test")
def test_rules(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Rule files or directories to test (default: the whole catalog).")
    ] = None,
    no_color: NoColorOption = False,
) -> None:
    """Run every rule's examples: each 'match' example must be diagnosed as that rule, unambiguously, and no
    'no_match' example may match it. Exit 1 on any failure.

    [bold]Example[/]: aigw-doctor rules test · aigw-doctor rules test my-rules/
    """
    from aigw_doctor.ruleset.selftest import test_rules as run_tests

    terminal = Terminal(no_color=no_color)
    with reported_errors(terminal):
        catalog = _catalog_for(paths, with_shipped=True)
        only = None
        if paths:
            only = {r.id for r in _catalog_for(paths).rules}
        result = run_tests(catalog, only)
    for failure in result.failures:
        terminal.print(f"[red]FAIL[/] {failure}")
    passed = result.examples - len(result.failures)
    summary = f"{result.rules} rules, {result.examples} examples: {passed} passed, {len(result.failures)} failed"
    terminal.print(summary)
    raise typer.Exit(ExitCode.OK if result.ok else ExitCode.PROBLEM)


def _catalog_for(paths: list[Path] | None, *, with_shipped: bool = False):  # type: ignore[no-untyped-def]
    from aigw_doctor.ruleset.catalog import load_catalog, user_rule_paths

    if not paths:
        return load_catalog(user_rule_paths())
    return load_catalog(list(paths), include_shipped=with_shipped)


@app.command("eval")
def eval_rules(
    corpus: Annotated[list[Path], typer.Argument(help="Corpus files or directories (YAML, `cases:` lists).")],
    min_right: Annotated[
        float | None, typer.Option("--min-right", metavar="PERCENT", help="Exit 1 below this share of right answers.")
    ] = None,
    max_wrong: Annotated[
        float | None, typer.Option("--max-wrong", metavar="PERCENT", help="Exit 1 above this share of wrong answers.")
    ] = None,
    max_wrong_exact: Annotated[
        float | None,
        typer.Option("--max-wrong-exact", metavar="PERCENT", help="Exit 1 above this share of wrong `exact` answers."),
    ] = None,
    misses: Annotated[bool, typer.Option("--misses", help="List every case not answered right.")] = False,
    output: FormatOption = OutputFormat.text,
    rules: RulesOption = None,
    no_color: NoColorOption = False,
) -> None:
    """Score the diagnosis on a corpus of real responses: right, honest unknown, wrong; per file, category and
    confidence, with a confusion matrix. The corpus format is in tests/corpus/README.md.

    [bold]Example[/]: aigw-doctor rules eval tests/corpus --min-right 95 --max-wrong-exact 1
    """
    from aigw_doctor.evaluate import CorpusError, evaluate, load_corpus

    terminal = Terminal(no_color=no_color)
    with reported_errors(terminal):
        catalog = load_rules(rules)
        try:
            cases = load_corpus(corpus)
        except CorpusError as exc:
            raise UsageProblem(str(exc)) from None
        if not cases:
            raise UsageProblem("the corpus has no cases")
        report = evaluate(cases, catalog)
    failed = (
        (min_right is not None and report.share(report.right) < min_right)
        or (max_wrong is not None and report.share(report.wrong) > max_wrong)
        or (max_wrong_exact is not None and report.share(report.wrong_exact) > max_wrong_exact)
    )
    if output is OutputFormat.json:
        from aigw_doctor.report.json import to_json

        typer.echo(to_json(mask_report(report)))
    else:
        _print_eval(terminal, report, misses)
    raise typer.Exit(ExitCode.PROBLEM if failed else ExitCode.OK)


def _print_eval(terminal: Terminal, report: Any, misses: bool) -> None:
    from rich.table import Table

    def row(name: str, counts: dict[str, int]) -> list[str]:
        total = sum(counts.values())
        return [name, str(total), *(str(counts.get(v, 0)) for v in ("right", "unknown", "wrong"))]

    for title, table_data in (
        ("file", report.by_file),
        ("category", report.by_category),
        ("confidence", report.by_confidence),
    ):
        table = Table(title=f"by {title}", title_justify="left", box=None, pad_edge=False)
        for column in (title, "cases", "right", "unknown", "wrong"):
            table.add_column(column, justify="left" if column == title else "right")
        for name, counts in table_data.items():
            table.add_row(*row(name, counts))
        terminal.print(table)
        terminal.print("")
    names = sorted({*report.confusion, *(g for row_ in report.confusion.values() for g in row_)})
    matrix = Table(title="confusion (expected → diagnosed)", title_justify="left", box=None, pad_edge=False)
    matrix.add_column("expected")
    for name in names:
        matrix.add_column(name[:6], justify="right")
    for expected, got in report.confusion.items():
        matrix.add_row(expected, *(str(got.get(n, "")) for n in names))
    terminal.print(matrix)
    if misses:
        terminal.print("")
        for miss in report.misses:
            terminal.print(
                mask_text(
                    f"{miss['verdict']:7} {miss['file']}:{miss['id']} expected {'/'.join(miss['expected'])}, "
                    f"got {miss['got']} ({miss['confidence']}, {miss['rule']})"
                ),
                markup=False,
            )
    terminal.print("")
    terminal.print(
        f"{report.total} cases: {report.right} right ({report.share(report.right)}%), {report.unknown} unknown "
        f"({report.share(report.unknown)}%), {report.wrong} wrong ({report.share(report.wrong)}%; "
        f"{report.wrong_exact} at exact confidence, {report.share(report.wrong_exact)}%)"
    )
