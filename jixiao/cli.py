"""The ``jixiao`` command line: a thin layer that parses options and calls the library.

Exit codes: 0 success; 1 when some inputs could not be read (the message names them and the
problems file); 2 for usage errors.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from jixiao import __version__
from jixiao.errors import PolicyError
from jixiao.export import FORMATS, manifest_of, write_frames, write_manifest
from jixiao.runner import FileResult, InputFile, RunResult, discover, run
from score import AUTO, Policy, auto_candidates, builtin_policy_names, load_policy

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="jixiao")
def main() -> None:
    """Turn published 项目支出绩效自评表 into clean, checked data.

    \b
    Example:
      jixiao run reports/ -o out/          # read every .txt/.tsv/.pdf under reports/
      jixiao run fixtures/seed -o out/ --policy shanghai-2024
      jixiao policies                      # list the scoring policies
    """


def _policies(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[Policy, ...]:
    if value == AUTO:
        return auto_candidates()
    try:
        return (load_policy(value),)
    except PolicyError as error:
        raise click.BadParameter(str(error)) from error


@main.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for tables/indicators/funds/problems and manifest.json.",
)
@click.option(
    "-p",
    "--policy",
    default="national",
    show_default=True,
    callback=_policies,
    metavar="NAME|FILE",
    help="Scoring policy: a built-in name (see `jixiao policies`), a policy TOML file, or "
    "'auto' to pick, per table, the built-in policy that reproduces the most printed numbers.",
)
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    default=FORMATS,
    show_default=True,
    help="Output format; repeat for several.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def run_command(
    inputs: tuple[Path, ...],
    out_dir: Path,
    policy: tuple[Policy, ...],
    formats: tuple[str, ...],
    quiet: bool,
) -> None:
    """Read every 自评表 in INPUTS (files or directories), check them, write the frames.

    Directories are searched recursively for .txt, .tsv and .pdf files. Writes
    tables, indicators, funds and problems as CSV (UTF-8 with BOM) and Parquet, plus
    manifest.json, into the output directory.

    \b
    Example:
      jixiao run fixtures/seed -o out/
      jixiao run 2024/ 2023/ -o out/ --policy linear-reverse --format csv
      jixiao run reports/ -o out/ --policy auto
    """
    started = datetime.now(UTC)
    files = discover(inputs)
    if not files:
        raise click.UsageError(
            f"no .txt, .tsv or .pdf files found in {', '.join(map(str, inputs))}"
        )
    result = _run_with_progress(files, policy, show=not quiet and sys.stderr.isatty())
    written = write_frames(result.frames, out_dir, formats)
    manifest = manifest_of(
        result,
        inputs=[str(p) for p in inputs],
        policies=policy,
        started=started,
        outputs=written,
        out_dir=out_dir,
    )
    write_manifest(manifest, out_dir)
    if not quiet:
        click.echo(_summary(result, out_dir, policy))
    if result.failed:
        problems = out_dir / ("problems.csv" if "csv" in formats else "problems.parquet")
        names = ", ".join(r.file.name for r in result.failed[:10])
        more = f" and {len(result.failed) - 10} more" if len(result.failed) > 10 else ""
        click.echo(
            f"error: {len(result.failed)} of {len(result.files)} files could not be read: "
            f"{names}{more}; see {problems}",
            err=True,
        )
        sys.exit(1)


main.add_command(run_command, name="run")


def _run_with_progress(
    files: list[InputFile], policies: tuple[Policy, ...], *, show: bool
) -> RunResult:
    if not show:
        return run(files, policies)
    with click.progressbar(
        length=len(files), label="reading", file=sys.stderr, show_pos=True, show_eta=True
    ) as bar:

        def advance(_result: FileResult) -> None:
            bar.update(1)

        return run(files, policies, on_file=advance)


def _summary(result: RunResult, out_dir: Path, policies: tuple[Policy, ...]) -> str:
    frames = result.frames
    severities = frames.problems["severity"].value_counts()
    counts = ", ".join(f"{severities.get(k, 0)} {k}" for k in ("error", "warning", "info"))
    return "\n".join(
        [
            f"files:      {len(result.files)} ({len(result.failed)} failed)",
            f"tables:     {len(frames.tables)}",
            f"indicators: {len(frames.indicators)}",
            f"problems:   {len(frames.problems)} ({counts})",
            f"policy:     {_policy_summary(result, policies)}",
            f"output:     {out_dir}/",
        ]
    )


def _policy_summary(result: RunResult, policies: tuple[Policy, ...]) -> str:
    if len(policies) == 1:
        return policies[0].name
    chosen = result.frames.tables["policy"].value_counts()
    return "auto (" + ", ".join(f"{name}: {n} tables" for name, n in chosen.items()) + ")"


@main.command(context_settings=CONTEXT)
def policies() -> None:
    """List the built-in scoring policies with a one-line description each.

    \b
    Example:
      jixiao policies
    """
    for name in builtin_policy_names():
        click.echo(f"{name:16} {load_policy(name).description}")
