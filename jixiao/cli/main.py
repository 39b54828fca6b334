"""The ``jixiao`` command line: a thin layer that parses options and calls the library.

Exit codes: 0 success; 1 when some inputs could not be read (the message names them and the
problems file); 2 for usage errors.

Start-up is kept short: this module imports only click and the small modules that define the
options; a command imports what it uses when it runs (``jixiao --help`` and ``jixiao policies``
load no pandas, no PDF library, no report).

OpenBLAS, which numpy loads (pyarrow, OpenCV and the OCR load numpy), starts a thread per core
that spins while it sets up: about 0.15 s of CPU in a one-page run, for matrix work jixiao
does not do. The command line asks it for one thread (``OPENBLAS_NUM_THREADS=1``) before
anything loads numpy, unless the variable is set already; the library (``import jixiao``) leaves
the environment alone.

Arrow allocates with the C library's ``malloc`` in the command line
(``ARROW_DEFAULT_MEMORY_POOL=system``, unless the variable is set already). Its default,
mimalloc, keeps the pages it frees for later: the parts a run writes as its files finish and
the combined outputs written a chunk at a time left the main process of a 10,000-file run
~25 MB larger than with ``malloc``, which gives them back (docs/performance.md).
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jixiao import __version__
from jixiao.batch.progress import BarProgress, LogProgress, NullProgress, Progress, plural
from jixiao.cli.parse import parse_actual_command, parse_target_command
from jixiao.core.errors import ClusterError, InputError, NoInputsError, OutputError, PolicyError
from jixiao.export import DEFAULT_FORMATS, FORMATS, LABEL_SETS, REPORT_NAME, XLSX_NAME
from jixiao.extract.readers.crops import DEFAULT_DPI
from jixiao.pipeline.discover import Filters
from jixiao.report import DEFAULT_LIMIT
from jixiao.score.policy import Policy, builtin_policy_names, load_policy

if TYPE_CHECKING:
    from jixiao.batch.run import BatchResult
    from jixiao.export.write import Totals

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads: see the docstring
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")  # before Arrow allocates: as above

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
DEFAULT_FILE_TIMEOUT = 600.0


class _UsageProblem(click.ClickException):
    """A usage error said in one line (``Error: …``), without the usage text; exit 2."""

    exit_code = 2


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="jixiao")
def main() -> None:
    """Turn published 项目支出绩效自评表 into clean, checked data.

    \b
    Example:
      jixiao run reports/ -o out/          # every PDF, text, web page, workbook, Word file
      jixiao run fixtures/seed -o out/ --policy shanghai-2024
      jixiao policies                      # list the scoring policies
    """


def _policies(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[Policy, ...]:
    from jixiao.api import policies_for  # noqa: PLC0415 - the pipeline: ~0.27 s

    try:
        return policies_for(value)
    except PolicyError as error:
        raise click.BadParameter(str(error)) from error


def _timeout(_ctx: click.Context, _param: click.Parameter, value: float) -> float | None:
    return value or None


# Options shared by commands, defined once.
output_option = click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for tables/indicators/funds/problems, manifest.json and parts/.",
)
policy_option = click.option(
    "-p",
    "--policy",
    default="national",
    show_default=True,
    callback=_policies,
    metavar="NAME|FILE",
    help="Scoring policy: a built-in name (see `jixiao policies`), a policy TOML file, or "
    "'auto' to pick, per table, the built-in policy or rule variant that reproduces the most "
    "printed numbers.",
)
format_option = click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    default=DEFAULT_FORMATS,
    show_default=True,
    help="Output format; repeat for several. xlsx writes results.xlsx, one sheet per frame.",
)
labels_option = click.option(
    "--labels",
    type=click.Choice(LABEL_SETS),
    default="en",
    show_default=True,
    help="Column headers: the English contract, or Chinese labels for analysts (README).",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")


@main.command("run", context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@output_option
@policy_option
@format_option
@labels_option
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="Only files matching a glob: without / on the file name or any folder name, with / "
    "on the relative path; repeatable.",
)
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip matching files; repeatable.")
@click.option(
    "-j",
    "--workers",
    type=click.IntRange(min=1),
    metavar="N",
    default=os.cpu_count() or 1,
    show_default="the number of cores",
    help="Files read at a time, each in its own process.",
)
@click.option(
    "--file-timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_FILE_TIMEOUT,
    show_default=True,
    callback=_timeout,
    metavar="SECONDS",
    help="Stop a file that takes longer; it becomes a file_error problem row. 0: no limit.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Reuse the files of the last run in the output directory whose content is unchanged; "
    "read only new and changed ones, then rebuild the combined outputs.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Read the files on a Dask cluster (tcp://host:8786) instead of local processes; "
    "needs `pip install 'jixiao[cluster]'`, inputs at the same paths on the workers.",
)
@click.option(
    "--report-limit",
    type=click.IntRange(min=0),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="Tables given a card in OUTPUT/report.html, problem tables first (the report notes "
    "the rest); 0 keeps only the summary.",
)
@quiet_option
def run_command(
    inputs: tuple[Path, ...],
    out_dir: Path,
    policy: tuple[Policy, ...],
    formats: tuple[str, ...],
    labels: str,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    workers: int,
    file_timeout: float | None,
    resume: bool,
    scheduler: str | None,
    report_limit: int,
    quiet: bool,
) -> None:
    """Read every 自评表 in INPUTS (files or directories), check them, write the frames.

    Directories are searched recursively for .pdf, .txt/.tsv, .html/.htm, .xlsx/.xls and
    .docx files (hidden and temporary files skipped; .doc/.wps/.et are reported as
    unsupported, with the command that converts them). Each file is read in its own process,
    several at a time; as each finishes its rows are saved under OUTPUT/parts/, and at the
    end the combined tables, indicators, funds and problems are written (CSV with BOM,
    Parquet, optionally XLSX) with manifest.json.
    Ctrl-C stops cleanly (exit 130) and keeps what is done; --resume finishes the run.

    \b
    Example:
      jixiao run fixtures/seed -o out/
      jixiao run 2024/ 2023/ -o out/ --policy linear-reverse --format csv
      jixiao run reports/ -o out/ --resume --workers 8 --exclude '*/drafts/*'
      jixiao run reports/ -o out/ --format xlsx --labels zh
      jixiao run /shared/reports -o out/ --scheduler tcp://10.0.0.5:8786
      jixiao run reports/ -o out/ --report-limit 1000   # then open out/report.html
    """
    # the pipeline and the batch runner, ~0.3 s: `jixiao --help` and `jixiao policies` stay fast
    from jixiao.api import run  # noqa: PLC0415
    from jixiao.batch.run import BatchSettings  # noqa: PLC0415

    held = [str(p) for p in inputs if _is_within(p, out_dir)]
    if held:
        raise _UsageProblem(
            f"the output directory {out_dir} holds the input {held[0]}: a run replaces its "
            "output directory; choose an --output directory outside the inputs"
        )
    settings = BatchSettings(
        workers=workers,
        file_timeout=file_timeout,
        resume=resume,
        formats=tuple(dict.fromkeys(formats)),
        labels=labels,
        scheduler=scheduler,
    )
    try:
        result = run(
            inputs,
            out_dir,
            policy,
            settings=settings,
            filters=Filters(include, exclude, skip=(out_dir,)),
            report_limit=report_limit,
            progress=_progress(quiet=quiet),
        )
    except NoInputsError as error:
        message = str(error).replace("include/exclude", "--include/--exclude")
        raise click.UsageError(message) from error
    except ClusterError as error:
        raise click.BadParameter(str(error), param_hint="--scheduler") from error
    except OutputError as error:
        raise _UsageProblem(f"{error}; choose another --output directory") from error
    except OSError as error:  # after the switch: the report (the run itself is in place)
        reason = error.strerror or type(error).__name__
        raise _UsageProblem(f"cannot write {error.filename or out_dir}: {reason}") from error
    _skip_last_collection()
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not quiet:
        click.echo(_summary(result, out_dir, policy, formats, labels))
    _exit(result, out_dir, formats, labels)


def _skip_last_collection() -> None:
    """At exit, move every object to the generation the garbage collector never walks
    (``gc.freeze``): Python's last collection would walk all the objects the run left
    (the libraries, the report's templates), ~0.12 s after a 200-file run, to free what the
    process's end frees anyway. Registered once, however many runs a process makes (tests)."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def _is_within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or under it (links resolved)."""
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _progress(*, quiet: bool) -> Progress:
    if quiet:
        return NullProgress()
    if sys.stderr.isatty():
        return BarProgress()
    return LogProgress(lambda line: click.echo(line, err=True))


def _exit(result: BatchResult, out_dir: Path, formats: tuple[str, ...], labels: str) -> None:
    """Exit 130 when interrupted, 1 when some files failed, else return (exit 0)."""
    if result.failed:
        problems = out_dir / _problems_file(formats, labels)
        names = ", ".join(r.path for r in result.failed[:10])
        more = f" and {len(result.failed) - 10} more" if len(result.failed) > 10 else ""
        click.echo(
            f"error: {len(result.failed)} of {plural(len(result.records), 'file')} could not "
            f"be read: {names}{more}; see {problems}",
            err=True,
        )
    if result.interrupted:
        click.echo(
            f"interrupted: {len(result.records)} of {result.total_files} files done, kept in "
            f"{result.out_dir}/ ({out_dir}/ still holds the last complete run); run the same "
            "command with --resume to finish",
            err=True,
        )
        sys.exit(130)
    if result.failed:
        sys.exit(1)


def _problems_file(formats: tuple[str, ...], labels: str) -> str:
    for fmt, name in (("csv", "problems.csv"), ("parquet", "problems.parquet")):
        if fmt in formats:
            return name
    from jixiao.export.labels_zh import sheet_name  # noqa: PLC0415 - ~25 ms

    return f"{XLSX_NAME} (sheet {sheet_name('problems', labels)})"


def _tables_summary(totals: Totals, out_dir: Path, formats: tuple[str, ...], labels: str) -> str:
    """``6 read of 8 自评表 seen; 2 not read (table_not_read in out/problems.csv)``."""
    text = f"{totals.tables} read of {totals.seen} 自评表 seen"
    if totals.duplicates:
        text += f" ({totals.duplicates} more read twice: duplicate_of)"
    if totals.not_read:
        where = out_dir / _problems_file(formats, labels)
        text += f"; {totals.not_read} not read (table_not_read in {where})"
    return text


def _summary(
    result: BatchResult,
    out_dir: Path,
    policies: tuple[Policy, ...],
    formats: tuple[str, ...],
    labels: str,
) -> str:
    totals = result.totals
    counts = ", ".join(f"{totals.severities.get(k, 0)} {k}" for k in ("error", "warning", "info"))
    reused = f", {result.reused} unchanged" if result.reused else ""
    report = out_dir / REPORT_NAME
    lines = [
        f"files:      {_files_summary(result)}{reused}",
        f"tables:     {_tables_summary(totals, out_dir, formats, labels)}",
        f"indicators: {totals.rows['indicators']}",
        f"problems:   {totals.rows['problems']} ({counts})",
        f"policy:     {_policy_summary(totals, policies)}",
        f"output:     {out_dir}/",
    ]
    if report.is_file():
        lines.append(f"report:     {report}  (open it in a browser to check the tables)")
    return "\n".join(lines)


def _files_summary(result: BatchResult) -> str:
    """``227 read, 224 without a 自评表, 0 failed``: a file read without a 自评表 is read."""
    failed = len(result.failed)
    without = sum(r.without_tables for r in result.records)
    text = f"{len(result.records) - failed} read"
    if without:
        text += f", {without} without a 自评表"
    return f"{text}, {failed} failed"


def _policy_summary(totals: Totals, policies: tuple[Policy, ...]) -> str:
    if len(policies) == 1:
        return policies[0].name
    chosen = sorted(totals.policies.items(), key=lambda kv: (-kv[1], kv[0]))
    return "auto (" + ", ".join(f"{name}: {plural(n, 'table')}" for name, n in chosen) + ")"


@main.command(context_settings=CONTEXT)
def policies() -> None:
    """List the built-in scoring policies with a one-line description each.

    \b
    Example:
      jixiao policies
    """
    for name in builtin_policy_names():
        click.echo(f"{name:16} {load_policy(name).description}")


main.add_command(parse_target_command)
main.add_command(parse_actual_command)


# -- jixiao show (jixiao.report.show) --------------------------------------------------------------
@main.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--page", type=click.IntRange(min=1), help="Page to draw (default: the first with a table)."
)
@click.option(
    "--table", type=click.IntRange(min=1), help="Only table K of the file (as in table_id FILE#K)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="PNG to write (PDF). For a text file the grid is printed; with -o also written there.",
)
@click.option("--dpi", type=click.IntRange(36, 600), default=DEFAULT_DPI, show_default=True)
def show(file: Path, page: int | None, table: int | None, output: Path | None, dpi: int) -> None:
    """Draw the grid jixiao found over a PDF page: every cell outlined and labelled row,col,
    merged cells thicker with their span, each table's reader named (like pdfplumber's
    debug_tablefinder). A text file has no page: its grid is printed as aligned text.

    \b
    Example:
      jixiao show report.pdf --page 37 -o p37.png
      jixiao show report.pdf --table 2 -o t2.png
      jixiao show fixtures/seed/000_a203d4b834672a09.txt --table 4
    """
    from jixiao.report.show import show_file  # noqa: PLC0415 - the PDF reader: ~0.3 s

    try:
        click.echo(show_file(file, page=page, table=table, output=output, dpi=dpi), nl=False)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    except InputError as error:
        raise click.ClickException(str(error)) from error
