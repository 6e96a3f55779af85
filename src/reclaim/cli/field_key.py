"""`reclaim admin rotate-field-key`: re-encrypt every encrypted field under the current key."""

from __future__ import annotations

from typing import Annotated

import typer


def rotate_field_key(
    batch_size: Annotated[
        int, typer.Option(help="Rows re-encrypted per transaction.", min=1, max=100_000)
    ] = 500,
    pause: Annotated[
        float,
        typer.Option(help="Seconds to wait between batches, to spare a busy database.", min=0),
    ] = 0.0,
) -> None:
    """Re-encrypt every encrypted field under RECLAIM_FIELD_ENCRYPTION_KEY.

    Before: set the new key as RECLAIM_FIELD_ENCRYPTION_KEY and the old one in
    RECLAIM_PREVIOUS_FIELD_ENCRYPTION_KEYS, on every server (docs/operations.md). Servers keep
    reading and writing meanwhile; each batch commits on its own, and running the command again
    after an interruption carries on where it stopped. When it reports nothing left under an
    old key, remove the old key from RECLAIM_PREVIOUS_FIELD_ENCRYPTION_KEYS.
    """
    from reclaim.audit.actions import SystemAction
    from reclaim.audit.recorder import record
    from reclaim.cli.common import database, fail, out
    from reclaim.storage.encryption import FieldKeyError, field_cipher
    from reclaim.storage.field_keys import remaining, rotate

    with database() as db:
        out.print(f"Re-encrypting under key {field_cipher().key_id} ...")
        try:
            result = rotate(db, batch_size=batch_size, pause=pause)
        except FieldKeyError as exc:
            raise fail(
                f"{exc} Nothing was lost: the rows done so far are under the new key, the "
                "rest are untouched. Add the key they were written with to "
                "RECLAIM_PREVIOUS_FIELD_ENCRYPTION_KEYS and run this again."
            ) from None
        with db.session() as session:
            left = remaining(session)
            record(
                session,
                SystemAction.FIELD_KEY_ROTATED,
                detail={
                    "key": field_cipher().key_id,
                    "re_encrypted": result.total,
                    "left": sum(left.values()),
                },
            )
    for column, count in result.re_encrypted.items():
        out.print(f"  {column}: {count} re-encrypted")
    if left:  # written by a server still running with the old key as its current one
        details = ", ".join(f"{c}: {n}" for c, n in left.items())
        raise fail(
            f"{result.total} values re-encrypted, but some are still under an older key "
            f"({details}): a server still encrypts with the old key. Give every server the new "
            "key, then run this again.",
            1,
        )
    out.print(
        f"Done: {result.total} values re-encrypted; every encrypted field is under key "
        f"{field_cipher().key_id}. You can now remove the old key from "
        "RECLAIM_PREVIOUS_FIELD_ENCRYPTION_KEYS."
    )
