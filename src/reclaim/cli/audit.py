"""`reclaim audit`: check the tamper-evident trail, pin it with checkpoints, anchor it to a key."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reclaim.cli.common import database, fail, out

if TYPE_CHECKING:
    from reclaim.audit.chain import ChainKeys, Checkpoint

app = typer.Typer(help="The audit trail.", no_args_is_help=True)


def _read_checkpoints(paths: list[Path], keys: ChainKeys) -> list[Checkpoint]:
    from reclaim.audit.chain import CheckpointError, load_checkpoint

    checkpoints = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise fail(f"Cannot read the checkpoint file {path}: {exc}", 2) from None
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    checkpoints.append(load_checkpoint(line, keys))
                except CheckpointError as exc:
                    raise fail(f"{path}, line {number}: {exc}", 2) from None
    return checkpoints


@app.command("verify")
def verify_command(
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option(
            help="A file written by `reclaim audit checkpoint` (repeatable): also detects "
            "removed newest events and rewrites up to each checkpoint."
        ),
    ] = None,
) -> None:
    """Walk the hash chain; print OK, or the first broken link (exit status 1)."""
    from reclaim.audit.actions import AuditAction
    from reclaim.audit.recorder import record, verify_chain

    with database() as db:
        checkpoints = _read_checkpoints(checkpoint or [], db.audit_keys)
        with db.read_session() as session:
            verdict = verify_chain(session, checkpoints)
        if verdict.ok:
            with db.session() as session:
                record(
                    session,
                    AuditAction.AUDIT_VERIFIED,
                    object_type="audit",
                    detail={"checked": verdict.checked, "checkpoints": len(checkpoints)},
                )
    out.print(str(verdict), highlight=False, soft_wrap=True)
    if checkpoints and verdict.ok:
        newest = max(checkpoints, key=lambda c: c.seq)
        out.print(
            f"Agrees with {len(checkpoints)} checkpoint(s), the newest at event {newest.seq}."
        )
    if not verdict.ok:
        raise typer.Exit(1)


@app.command("checkpoint")
def checkpoint_command(
    output: Annotated[
        Path | None,
        typer.Option(help="Append the checkpoint line to this file (default: print it)."),
    ] = None,
) -> None:
    """Verify the chain and write its head, with a MAC, for keeping outside the database."""
    from reclaim.audit.actions import AuditAction
    from reclaim.audit.recorder import AuditChainError, record, take_checkpoint

    with database() as db:
        try:
            with db.read_session() as session:
                taken = take_checkpoint(session)
        except AuditChainError as exc:
            raise fail(str(exc), 1) from None
        line = taken.dumps(db.audit_keys)
        if output is not None:
            try:
                with output.open("a", encoding="utf-8") as handle:
                    handle.write(line + "\n")
            except OSError as exc:
                raise fail(f"Cannot write the checkpoint to {output}: {exc}", 2) from None
        with db.session() as session:
            record(
                session,
                AuditAction.AUDIT_CHECKPOINTED,
                object_type="audit",
                detail={"seq": taken.seq},
            )
    if output is None:
        out.print(line, highlight=False, soft_wrap=True)
    else:
        out.print(f"Checkpoint at event {taken.seq} appended to {output}; keep it off this host.")


@app.command("anchor")
def anchor_command() -> None:
    """Once, after upgrading to keyed hashing or rotating RECLAIM_SECRET_KEY: move the chain to
    the current key (checks the chain first; does nothing when it is current)."""
    from reclaim.audit.recorder import AuditChainError, anchor, verify_chain

    with database() as db:
        with db.read_session() as session:
            verdict = verify_chain(session, require_current_head=False)
        if not verdict.ok:
            raise fail(f"Not anchoring a chain that does not verify: {verdict}", 1)
        try:
            with db.session() as session:
                seq = anchor(session)
        except AuditChainError as exc:
            raise fail(str(exc), 1) from None
    if seq is None:
        out.print("The chain is already hashed with the current key; nothing to do.")
    else:
        out.print(
            f"Anchor event {seq} written: events from now on are hashed with the current key. "
            "Take a checkpoint now (`reclaim audit checkpoint --output FILE`)."
        )
