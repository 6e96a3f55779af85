"""`reclaim bank`: hash lists, imported and exported in the formats platforms use."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from reclaim.bank.names import DEFAULT_LIST, EXPORT_FORMATS, IMPORT_FORMATS
from reclaim.cli.common import database, err, fail, out

app = typer.Typer(help="Hash lists: import, export, inspect.", no_args_is_help=True)


@app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="A CSV, JSONL, pytx (`pdq <hex>`) or one-hash-per-line file; - for stdin."
        ),
    ],
    list_name: Annotated[
        str, typer.Option("--list", help="The list to add to (created if new).")
    ] = DEFAULT_LIST,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help=f"One of {', '.join(IMPORT_FORMATS)}; guessed if left out."),
    ] = None,
    signal_type: Annotated[
        str | None, typer.Option("--type", help="For plain files: pdq, sha256 or md5.")
    ] = None,
    quality: Annotated[
        int | None,
        typer.Option(help="PDQ quality to assume where a line gives none.", min=0, max=100),
    ] = None,
    batch_lines: Annotated[
        int,
        typer.Option(
            "--batch-lines",
            help="Lines committed per transaction (reports and matches go on between them).",
            min=1,
            max=100_000,
        ),
    ] = 500,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Carry on after the last batch an interrupted import of this file committed.",
        ),
    ] = False,
) -> None:
    """Add every valid line as a content item, in batches that each commit on their own.
    Re-importing the same file adds nothing; a killed import keeps every batch it committed
    (--resume skips them)."""
    import hashlib
    import json
    import os

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from reclaim.bank.files import detect_format, parse
    from reclaim.bank.items import BankError, get_or_create_list
    from reclaim.bank.signals import SignalType
    from reclaim.bank.transfer import ImportReport, import_in_batches

    if str(file) == "-":
        lines = sys.stdin.read().splitlines(keepends=True)
    elif not file.is_file():
        raise fail(f"No file at {file}.")
    else:
        try:
            lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            raise fail(f"{file} is not a UTF-8 text file; hash lists are text.") from None
    chosen = fmt or detect_format(str(file), lines[0] if lines else "")
    if chosen not in IMPORT_FORMATS:
        raise fail(f"Unknown format {chosen!r}; use one of: {', '.join(IMPORT_FORMATS)}.")
    kind = None
    if signal_type:
        try:
            kind = SignalType(signal_type.lower())
        except ValueError:
            raise fail("--type is pdq, sha256 or md5.") from None
    with database() as db:
        with db.session() as session:
            try:
                get_or_create_list(session, list_name)
            except BankError as exc:
                raise fail(str(exc)) from None
        # Where this file's import has got to (by its content and list), for --resume.
        digest = hashlib.sha256(list_name.encode() + b"\0" + "".join(lines).encode()).hexdigest()
        marker = db.settings.data_dir / "imports" / f"{digest[:32]}.json"
        after = 0
        if resume and marker.is_file():
            after = int(json.loads(marker.read_text())["line"])
            out.print(f"Resuming after line {after} (committed by an earlier run).")
        marker.parent.mkdir(mode=0o700, parents=True, exist_ok=True)

        def save_marker(line: int) -> None:
            partial = marker.with_suffix(".tmp")
            partial.write_text(json.dumps({"file": file.name, "list": list_name, "line": line}))
            os.replace(partial, marker)

        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("Importing lines", total=len(lines), completed=after)

            def committed(line: int, _totals: ImportReport) -> None:
                save_marker(line)
                progress.update(task, completed=line)

            report = import_in_batches(
                db,
                list_name,
                parse(lines, chosen, plain_type=kind, default_quality=quality),
                source=f"file:{file.name}",
                batch_lines=batch_lines,
                after_line=after,
                committed=committed,
            )
        marker.unlink(missing_ok=True)  # finished: nothing to resume
    out.print(
        f"{report.added} added, {report.already_present} already present, "
        f"{len(report.rejected)} rejected ({chosen})."
    )
    for note in report.notes[:200]:
        err.print(f"  line {note.line}: {note.reason}", highlight=False)
    for rejected in report.rejected[:200]:
        err.print(f"  line {rejected.line}: {rejected.reason}", highlight=False)
    if len(report.rejected) > 200:
        err.print(f"  ... and {len(report.rejected) - 200} more")
    if report.rejected:
        raise typer.Exit(1)


@app.command("export")
def export_command(
    fmt: Annotated[
        str, typer.Option("--format", help=f"One of {', '.join(EXPORT_FORMATS)}.")
    ] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    list_name: Annotated[
        list[str] | None, typer.Option("--list", help="Only these lists (repeatable).")
    ] = None,
) -> None:
    """Write every active item. `--format pytx` is what `threatexchange` reads from a file."""
    from reclaim.bank.files import export_lines
    from reclaim.bank.transfer import active_items

    if fmt not in EXPORT_FORMATS:
        raise fail(f"Unknown format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}.")
    with database() as db, db.read_session() as session:
        handle = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            for line in export_lines(active_items(session, list_name or None), fmt):
                handle.write(line)
        finally:
            if output:
                handle.close()
    if output:
        out.print(f"Wrote {output}.")


@app.command("lists")
def lists_command() -> None:
    """Each list with its items by status."""
    from reclaim.bank.lists import counts_by_status

    with database() as db, db.read_session() as session:
        counts = counts_by_status(session)
    table = Table("list", "status", "items")
    for count in counts:
        table.add_row(count.list_name, count.status or "-", str(count.items))
    out.print(table)


@app.command("snapshot")
def snapshot_command(
    directory: Annotated[Path | None, typer.Option(help="Default: <data_dir>/index.")] = None,
) -> None:
    """Save the matching index so server processes start from it instead of rebuilding.

    Run it after large imports (or from cron); servers still apply newer changes themselves.
    """
    from reclaim.bank.loading import load_matcher, snapshot_dir

    with database() as db:
        target = directory or snapshot_dir(db.settings.data_dir)
        matcher = load_matcher(db, target)
        with db.read_session() as session:
            matcher.save(target, session)
    out.print(f"Saved {matcher.size} items (changes up to {matcher.applied_seq}) to {target}.")
