"""The field-encryption key and the database: does it decrypt what is stored, and rotating it.

Every column of type :class:`~reclaim.storage.encryption.EncryptedText` is found from the
metadata, so a column added later is covered without a list to keep in step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Column, Table, Text, func, literal, not_, select, tuple_, type_coerce
from sqlalchemy.orm import Session

from reclaim.storage.database import Database
from reclaim.storage.encryption import EncryptedText, FieldKeyError, field_cipher
from reclaim.storage.metadata import metadata


@dataclass(frozen=True, slots=True)
class EncryptedColumn:
    table: Table
    column: Column[str]
    context: str

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column.name}"

    @property
    def raw(self) -> Column[str]:
        """The column as stored text (no decryption)."""
        return type_coerce(self.column, Text)  # type: ignore[return-value]


def encrypted_columns() -> list[EncryptedColumn]:
    found = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedText):
                found.append(EncryptedColumn(table, column, column.type.context))
    return found


def undecryptable(session: Session, sample: int = 5) -> str | None:
    """Why the configured keys cannot read this database (None: a sample of every encrypted
    column decrypts). Reads the newest ``sample`` values of each column; says which column
    failed, never a value."""
    cipher = field_cipher()
    for enc in encrypted_columns():
        pk = list(enc.table.primary_key.columns)
        rows = session.execute(
            select(enc.raw)
            .where(enc.column.is_not(None))
            .order_by(*(c.desc() for c in pk))
            .limit(sample)
        ).scalars()
        for stored in rows:
            try:
                cipher.decrypt(stored, enc.context)
            except FieldKeyError:
                return (
                    f"RECLAIM_FIELD_ENCRYPTION_KEY does not decrypt the values stored in "
                    f"{enc.name}: this database was written with another key. Set the key it "
                    "was written with (during a rotation, put the old key in "
                    "RECLAIM_PREVIOUS_FIELD_ENCRYPTION_KEYS)."
                )
    return None


def _not_current(enc: EncryptedColumn) -> object:
    return not_(enc.raw.like(f"v2.{field_cipher().key_id}.%"))


def remaining(session: Session) -> dict[str, int]:
    """Per encrypted column, how many values are not yet under the current key."""
    counts = {}
    for enc in encrypted_columns():
        count = session.scalar(
            select(func.count())
            .select_from(enc.table)
            .where(
                enc.column.is_not(None),
                _not_current(enc),  # type: ignore[arg-type]
            )
        )
        if count:
            counts[enc.name] = int(count)
    return counts


@dataclass(slots=True)
class Rotation:
    re_encrypted: dict[str, int] = field(default_factory=dict)
    batches: int = 0

    @property
    def total(self) -> int:
        return sum(self.re_encrypted.values())


def rotate(
    db: Database,
    *,
    batch_size: int = 500,
    pause: float = 0.0,
    progress: Callable[[str, int], None] | None = None,
) -> Rotation:
    """Re-encrypt every encrypted value that is not under the current key, in batches of
    ``batch_size`` rows, each committed on its own. Readers keep working throughout (they
    decrypt with the current or a previous key). Interrupted, it resumes: a new run skips
    values already under the current key. A value changed by someone else between the read
    and the write is left alone (it was written under the current key anyway)."""
    cipher = field_cipher()
    result = Rotation()
    for enc in encrypted_columns():
        pk = list(enc.table.primary_key.columns)
        done = 0
        after: tuple[object, ...] | None = None
        while True:
            with db.session() as session:  # one batch, one transaction
                query = select(*pk, enc.raw).where(
                    enc.column.is_not(None),
                    _not_current(enc),  # type: ignore[arg-type]
                )
                if after is not None:
                    query = query.where(tuple_(*pk) > tuple_(*after))
                rows = session.execute(query.order_by(*pk).limit(batch_size)).all()
                for row in rows:
                    key, stored = tuple(row[:-1]), row[-1]
                    try:
                        plain = cipher.decrypt(stored, enc.context)
                    except FieldKeyError as exc:
                        where = "/".join(map(str, key))
                        raise FieldKeyError(f"{enc.name} row {where}: {exc}") from None
                    condition = [c == v for c, v in zip(pk, key, strict=True)]
                    update = (
                        enc.table.update()
                        .where(*condition, enc.raw == stored)
                        .values(
                            {enc.column.name: literal(cipher.encrypt(plain, enc.context), Text)}
                        )
                    )
                    done += session.execute(update).rowcount  # type: ignore[attr-defined]
                if rows:
                    after = tuple(rows[-1][:-1])
            if not rows:
                break
            result.batches += 1
            if progress is not None:
                progress(enc.name, done)
            if pause:
                time.sleep(pause)
        if done:
            result.re_encrypted[enc.name] = done
    return result
