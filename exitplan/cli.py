"""Command line: parse options, call the api, print, map errors to exit codes.

Exit codes: 0 done (unreadable input files are reported, not fatal); 1 a gate failed (--fail-under,
--check, --strict); 2 usage, config or catalog error. Errors are one line; --debug shows the traceback.
"""

from __future__ import annotations

import atexit
import functools
import gc
import os
import sys
import time
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import ExitplanError, UsageError

FORMATS = ("table", "json", "markdown", "sarif", "codequality")
DIFF_FORMATS = ("markdown", "json", "table")


def _shared_options(command):
    """Options every command takes, declared once."""
    options = [
        click.option(
            "--config",
            "config_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Config file (default: .exitplan.yaml found by walking up from the scanned path).",
        ),
        click.option(
            "--catalog-dir",
            "catalog_dirs",
            multiple=True,
            type=click.Path(file_okay=False, path_type=Path),
            help="Directory of extra or overriding catalogs (repeatable).",
        ),
        click.option(
            "--var-file",
            "var_files",
            multiple=True,
            type=click.Path(dir_okay=False, path_type=Path),
            help="Terraform variables file, as `terraform plan -var-file` (repeatable; later ones win).",
        ),
        click.option(
            "--var",
            "var_values",
            multiple=True,
            metavar="NAME=VALUE",
            help="Terraform variable, as `terraform plan -var` (repeatable; beats --var-file and TF_VAR_).",
        ),
        click.option(
            "--allow-outside",
            "allow_outside",
            multiple=True,
            type=click.Path(file_okay=False, path_type=Path),
            help="A folder outside the repository that may be read, e.g. shared modules (repeatable).",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print only results and errors."),
        click.option(
            "--no-cache", is_flag=True, help="Scan again even when nothing changed since the last scan."
        ),
        click.option("--no-progress", is_flag=True, help="Never show progress on the terminal."),
        click.option("--debug", is_flag=True, help="Show the traceback of an error."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _errors_as_exit_codes(command):
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        debug = kwargs.get("debug", False)
        try:
            return command(*args, **kwargs)
        except ExitplanError as exc:
            if debug:
                traceback.print_exc()
            click.echo(f"exitplan: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as exc:  # noqa: BLE001 — an unexpected failure is still one line unless --debug
            if debug:
                traceback.print_exc()
            click.echo(
                f"exitplan: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                err=True,
            )
            sys.exit(2)

    return wrapper


def _run_scan(
    paths,
    *,
    config_path=None,
    catalog_dirs=(),
    quiet=False,
    no_progress=False,
    no_cache=False,
    var_files=(),
    var_values=(),
    allow_outside=(),
    debug=False,
):
    """Scan with the shared options (every command's ``**options``); --var-file/--var read here, so a
    bad file is a usage error."""
    from .api import scan
    from .kubernetes.chart_configs import helm_note
    from .terraform.variables import read_variable_inputs

    variables = read_variable_inputs(var_files, var_values, os.environ)
    stdin_text = None
    if "-" in paths:
        stdin_text = sys.stdin.read()
    show_progress = not (quiet or no_progress) and sys.stderr.isatty()
    if show_progress:
        click.echo(f"exitplan: scanning {', '.join(paths) or '.'} …", err=True)
    started = time.perf_counter()
    report = scan(
        list(paths) or ["."],
        config_path=config_path,
        stdin_text=stdin_text,
        catalog_dirs=catalog_dirs,
        use_cache=not no_cache,
        variables=variables,
        allow_outside=allow_outside,
    )
    note = helm_note(report.inputs) if not quiet and sys.stderr.isatty() else None  # inputs say it too
    if note:
        click.echo(f"exitplan: {note}", err=True)
    if show_progress:
        click.echo(
            f"exitplan: {len(report.inputs)} files, {len(report.resources)} resources, "
            f"{len(report.workloads)} workloads in {time.perf_counter() - started:.1f} s",
            err=True,
        )
    return report


def _catalog_dirs(paths, config_path, catalog_dirs) -> list[Path]:
    """The user's catalog folders: `catalogs:` in the config, then --catalog-dir (later ones win)."""
    from .config import find_config, load_config

    start = next((Path(p) for p in paths if p != "-"), Path("."))
    config = load_config(config_path or find_config(start))
    return [*config.catalog_dirs, *catalog_dirs]


def _input_problems(report) -> list[str]:
    return [
        f"{i.path}{':' + str(i.line) if i.line else ''}: {i.status}: {i.reason}"
        for i in report.inputs
        if i.status == "error"
    ]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exitplan")
def main():
    """Exit plans and migration runbooks from Terraform and Kubernetes code."""
    # A scan builds millions of small objects and keeps nearly all of them to the end, so the collector
    # mostly walks live objects: young objects are collected every 2,000,000 allocations, not 700 (at
    # 50,000 they still cost 6-10 % of the CPU on fabric and the twelve-repository corpus; peak memory
    # grows by about a tenth, as much as with the collector off, which bounds the cyclic garbage), and the
    # whole heap is not walked again during the run. At exit the heap is frozen, so the interpreter's
    # last full collection (a second on the corpus) does not walk what the process gives back anyway.
    gc.set_threshold(2_000_000, 50, 1000)
    atexit.unregister(gc.freeze)  # once, however often main runs in one process
    atexit.register(gc.freeze)


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout."
)
@click.option(
    "--fail-under", type=click.IntRange(0, 100), help="Exit 1 when the estate score is below SCORE."
)
@click.option("--strict", is_flag=True, help="Exit 1 when any input file could not be read.")
@_shared_options
@_errors_as_exit_codes
def scan(paths, fmt, output, fail_under, strict, **options):
    """Scan PATHs (default: .) and report resources, edges, workloads and scores."""
    from .render import report_formats

    report = _run_scan(paths, **options)
    text = report_formats.render(report, fmt)
    _emit(text, output)
    problems = _input_problems(report)
    if problems and not options["quiet"]:
        click.echo(f"exitplan: {len(problems)} input file(s) could not be read:", err=True)
        for line in problems:
            click.echo(f"  {line}", err=True)
    if fail_under is not None and report.score < fail_under:
        click.echo(f"exitplan: estate score {report.score} is below {fail_under}", err=True)
        sys.exit(1)
    if strict and problems:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--format", "fmt", type=click.Choice(("mermaid", "dot", "json")), default="mermaid", show_default=True
)
@click.option("--workload", help="Only this workload and what it depends on.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout."
)
@_shared_options
@_errors_as_exit_codes
def graph(paths, fmt, workload, output, **options):
    """Print the dependency graph across Terraform and Kubernetes."""
    from .render import diagram

    report = _run_scan(paths, **options)
    _emit(diagram.render(report, fmt, workload), output)


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--target", required=True, help="Target catalog name (see `exitplan targets`).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("exit-plan"),
    show_default=True,
    help="Directory to write the plan into.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the committed plan is stale.")
@click.option(
    "--date",
    "plan_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date (YYYY-MM-DD) to record in the document control; without it the output carries no date.",
)
@_shared_options
@_errors_as_exit_codes
def plan(paths, target, out_dir, check, plan_date, **options):
    """Write EXIT-PLAN.md, workloads/<name>.md and exitplan.json for a target."""
    from .knowledge.targets import load_target
    from .render.documents import existing_regions, plan_documents
    from .render.writer import check_plan, write_plan

    chosen = load_target(target, _catalog_dirs(paths, options["config_path"], options["catalog_dirs"]))
    report = _run_scan(paths, **options)
    files = plan_documents(
        report,
        chosen,
        date=plan_date.date().isoformat() if plan_date else None,
        written=existing_regions(out_dir),
    )
    if check:
        result = check_plan(out_dir, files)
        if not result.ok:
            click.echo(f"exitplan: the plan in {out_dir} is stale:", err=True)
            click.echo(result.summary, err=True)
            sys.exit(1)
        if not options["quiet"]:
            click.echo(f"exitplan: the plan in {out_dir} is up to date")
        return
    result = write_plan(out_dir, files)
    if not options["quiet"]:
        click.echo(
            f"exitplan: wrote {len(result.written)} file(s) to {out_dir} ({len(result.unchanged)} unchanged)"
        )
        for stale in result.stale:
            click.echo(f"exitplan: {stale} is no longer generated; review and remove it", err=True)


@main.command()
@click.argument("name", required=False)
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@_shared_options
@_errors_as_exit_codes
def targets(name, paths, fmt, **options):
    """List the target catalogs, or show one (with its coverage of PATHs when given)."""
    from .render import targets_view

    report = _run_scan(paths, **options) if name and paths else None
    dirs = _catalog_dirs(paths, options["config_path"], options["catalog_dirs"])
    click.echo(targets_view.render(name, dirs, report, fmt), nl=False)


@main.command()
@click.argument("rule_id", required=False)
@click.option("--format", "fmt", type=click.Choice(("table", "markdown")), default="table", show_default=True)
def rules(rule_id, fmt):
    """List the rules, or print one rule's documentation."""
    from .render import rules_doc

    try:
        click.echo(rules_doc.render(rule_id, fmt), nl=False)
    except ExitplanError as exc:
        click.echo(f"exitplan: error: {exc}", err=True)
        sys.exit(exc.exit_code)


@main.command()
@click.argument("sides", nargs=-1, metavar="BASE HEAD | [PATH]")
@click.option(
    "--base-ref", metavar="REF", help="Compare PATH (default .) with git revision REF of its repository."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(DIFF_FORMATS),
    help="Default: markdown on a pipe, table on a terminal.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout."
)
@click.option("--fail-on-drop", is_flag=True, help="Exit 1 when any workload's score drops.")
@click.option(
    "--fail-under",
    type=click.IntRange(0, 100),
    metavar="SCORE",
    help="Exit 1 when HEAD's estate score is below SCORE.",
)
@click.option(
    "--docs-url",
    envvar="EXITPLAN_DOCS_URL",
    metavar="URL",
    help="URL of docs/rules.md that findings link to (default: $EXITPLAN_DOCS_URL, else this project's).",
)
@_shared_options
@_errors_as_exit_codes
def diff(sides, base_ref, fmt, output, fail_on_drop, fail_under, docs_url, **scan_options):
    """What a change does to portability: BASE and HEAD are report files or folders to scan."""
    from .diff import compare, gate_failures
    from .render import diff_view
    from .render.rules_doc import docs_url as resolve_docs_url
    from .rules import RULES

    docs_url = resolve_docs_url(docs_url)
    if base_ref is not None:
        if len(sides) > 1:
            raise UsageError("with --base-ref, give at most one PATH")
        base, head = _diff_base_ref(base_ref, Path(sides[0] if sides else "."), scan_options)
    elif len(sides) != 2:
        raise UsageError("give BASE and HEAD (report files or folders), or --base-ref REF [PATH]")
    else:
        base, head = (_diff_side(Path(side), scan_options) for side in sides)
    result = compare(base, head, rule_names={r.ID: r.NAME for r in RULES}, docs_url=docs_url)
    if fmt is None:
        fmt = "markdown" if output is not None or not sys.stdout.isatty() else "table"
    _emit(diff_view.render(result, fmt), output)
    failures = gate_failures(result, fail_on_drop=fail_on_drop, fail_under=fail_under)
    for failure in failures:
        click.echo(f"exitplan: {failure}", err=True)
    if failures:
        sys.exit(1)


def _diff_side(path: Path, scan_options, **overrides) -> dict:
    """One side of `diff`: a report file read as it is, or a folder scanned with the scan options."""
    from .diff import load_report_file
    from .render.json_report import report_dict

    if path.is_file() and path.suffix == ".json":
        return load_report_file(path)
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    options = {k: v for k, v in {**scan_options, **overrides}.items() if k != "debug"}
    return report_dict(_run_scan([str(path)], **options))


def _diff_base_ref(ref: str, path: Path, scan_options) -> tuple[dict, dict]:
    from .gitrev import extracted

    with extracted(path, ref) as revision:
        # the base's tree is new on every run: caching it would only fill the cache
        base = _diff_side(revision.folder, scan_options, no_cache=True)
    return base, _diff_side(path, scan_options)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    main()
