"""Writing and checking the audit trail.

Every create, update and delete of an audited row is recorded automatically (a flush hook looks
at each row whose class names an ``__audit_subject__``), in the same transaction as the change:
the change and its audit event commit together or not at all. Domain events (a login, a read of
case data) are recorded with :func:`record`.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, event, insert, inspect, select, text, update
from sqlalchemy.orm import Session

from reclaim.audit.actions import Action, StaffAction, registered, row_action
from reclaim.audit.chain import (
    GENESIS,
    SESSION_KEYS,
    ChainKeys,
    ChainLink,
    Checkpoint,
    StoredEvent,
    Verdict,
    key_epoch,
    personal_digest,
    verify,
)
from reclaim.audit.models import AuditEvent
from reclaim.storage.base import utcnow

# Any constant works; it names the lock that serialises appends to the chain on PostgreSQL.
_PG_CHAIN_LOCK = 0x52454341


class AuditChainError(RuntimeError):
    """The chain cannot be extended or checkpointed as it stands; the message says why."""


def keys_of(session: Session) -> ChainKeys:
    keys = session.info.get(SESSION_KEYS)
    if not isinstance(keys, ChainKeys):
        raise RuntimeError("this session carries no audit keys: make sessions with Database")
    return keys


@dataclass(slots=True)
class AuditContext:
    """Who is acting, for whom, in which request.

    Mutable on purpose: the web middleware installs one per request, and the code that
    identifies the staff member (which FastAPI may run in another thread, with a copy of the
    context) fills in ``actor`` on the same object.
    """

    actor: str = "system"
    organisation_id: int | None = None
    request_id: str | None = None
    client_address: str | None = None


_context: ContextVar[AuditContext | None] = ContextVar("reclaim_audit_context", default=None)


def current_context() -> AuditContext:
    ctx = _context.get()
    if ctx is None:  # each task gets its own; a shared mutable default would leak between them
        ctx = AuditContext()
        _context.set(ctx)
    return ctx


@contextmanager
def acting_as(**fields: Any) -> Iterator[AuditContext]:
    """Run a block with the audit context changed (``actor``, ``organisation_id`` ...)."""
    ctx = replace(current_context(), **fields)
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def set_context(ctx: AuditContext) -> None:
    _context.set(ctx)


def fresh_context(**fields: Any) -> AuditContext:
    """Install a new context for this task (a request, a CLI command) and return it."""
    ctx = AuditContext(**fields)
    _context.set(ctx)
    return ctx


def record(
    session: Session,
    action: Action,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    detail: Mapping[str, Any] | None = None,
    actor: str | None = None,
    organisation_id: int | None = None,
) -> str:
    """Append one event to the chain in the session's transaction; returns its hash.

    Refuses (:class:`AuditChainError`) to extend a chain whose newest event is not hashed with
    the current key: that is a chain from before keyed hashing or a key rotation (an operator
    runs `reclaim audit anchor` once), or one re-hashed by someone without the key.
    """
    registered(action)
    keys = keys_of(session)
    connection = _locked(session)
    head = _head(connection)
    problem = _problem(head, keys)
    if problem:
        raise AuditChainError(problem)
    return _append(
        connection, keys, head, action, object_type, object_id, detail, actor, organisation_id
    )


def head_problem(session: Session) -> str | None:
    """Why :func:`record` would refuse to extend the chain now, or None (for start-up checks)."""
    return _problem(_head(session.connection()), keys_of(session))


def _problem(head: StoredEvent | None, keys: ChainKeys) -> str | None:
    if head is None or key_epoch(head.link, head.hash, keys, len(keys.epochs) - 1) is not None:
        return None
    return (
        f"the audit trail's newest event ({head.link.seq}) is not hashed with the current "
        "secret key. After upgrading to keyed hashing or rotating RECLAIM_SECRET_KEY, run "
        "`reclaim audit anchor` once; otherwise the trail may have been rewritten: run "
        "`reclaim audit verify`."
    )


def anchor(session: Session) -> int | None:
    """Move the chain to the current key with an anchor event; its number, or None if current.

    For an operator, once, after upgrading from unkeyed hashing or rotating the secret key
    (check the chain first: this vouches for everything before it).
    """
    keys = keys_of(session)
    connection = _locked(session)
    head = _head(connection)
    if head is None:
        return None
    epoch = key_epoch(head.link, head.hash, keys)
    if epoch == len(keys.epochs) - 1:
        return None
    if epoch is None:
        raise AuditChainError(
            f"the newest event ({head.link.seq}) matches no key this installation has: set the "
            "secret key it was written with in RECLAIM_PREVIOUS_SECRET_KEYS, or investigate"
        )
    detail = {"after_event": head.link.seq, "was": "unkeyed" if epoch == 0 else "previous key"}
    _append(
        connection, keys, head, StaffAction.AUDIT_CHAIN_ANCHORED, "audit", None, detail, None, None
    )
    return head.link.seq + 1


def _locked(session: Session) -> Connection:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK})
    return connection


def _head(connection: Connection) -> StoredEvent | None:
    row = connection.execute(
        select(*AuditEvent.__table__.columns).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return None if row is None else _stored(row)


def _append(
    connection: Connection,
    keys: ChainKeys,
    head: StoredEvent | None,
    action: str,
    object_type: str | None,
    object_id: str | int | None,
    detail: Mapping[str, Any] | None,
    actor: str | None,
    organisation_id: int | None,
) -> str:
    ctx = current_context()
    seq, prev_hash = (head.link.seq + 1, head.hash) if head else (1, GENESIS)
    detail_value = dict(detail) if detail is not None else None
    client_address = ctx.client_address
    link = ChainLink(
        seq=seq,
        occurred_at=utcnow(),
        actor=actor or ctx.actor,
        organisation_id=organisation_id if organisation_id is not None else ctx.organisation_id,
        action=str(action),
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        request_id=ctx.request_id,
        personal_digest=personal_digest(client_address, detail_value),
        prev_hash=prev_hash,
    )
    digest = link.digest(keys.current)
    connection.execute(
        insert(AuditEvent).values(
            seq=link.seq,
            occurred_at=link.occurred_at,
            actor=link.actor,
            organisation_id=link.organisation_id,
            action=link.action,
            object_type=link.object_type,
            object_id=link.object_id,
            request_id=link.request_id,
            client_address=client_address,
            detail=detail_value,
            personal_digest=link.personal_digest,
            redacted=False,
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    return digest


def _row_changes(session: Session) -> list[tuple[object, str, dict[str, Any] | None]]:
    changes: list[tuple[object, str, dict[str, Any] | None]] = []
    for obj in session.new:
        if getattr(obj, "__audit_subject__", None):
            changes.append((obj, "created", None))
    for obj in session.dirty:
        if not getattr(obj, "__audit_subject__", None) or not session.is_modified(obj):
            continue
        state = inspect(obj)
        changed = sorted(
            attr.key
            for attr in state.attrs
            if attr.history.has_changes() and attr.key != "updated_at"
        )
        if changed:
            # Field names only: values may be personal or secret.
            changes.append((obj, "updated", {"fields": changed}))
    for obj in session.deleted:
        if getattr(obj, "__audit_subject__", None):
            changes.append((obj, "deleted", None))
    return changes


def _after_flush(session: Session, _flush_context: object) -> None:
    for obj, change, detail in _row_changes(session):
        subject: str = obj.__audit_subject__  # type: ignore[attr-defined]
        key = inspect(obj).mapper.primary_key_from_instance(obj)
        object_id = "/".join(str(part) for part in key) if all(p is not None for p in key) else None
        row_org = getattr(obj, "organisation_id", None)
        row_org = row_org if isinstance(row_org, int) else None
        # Filed under the acting organisation (a staff member's, a platform key's); the
        # organisation the row belongs to goes in the detail when it is another one. With no
        # acting organisation (the operator's CLI, the public site) under the row's own.
        actor_org = current_context().organisation_id
        if actor_org is not None and row_org is not None and row_org != actor_org:
            detail = {**(detail or {}), "organisation": row_org}
        record(
            session,
            row_action(subject, change),
            object_type=subject.split(":")[-1],
            object_id=object_id,
            detail=detail,
            organisation_id=actor_org if actor_org is not None else row_org,
        )


_installed = False


def install_row_auditing() -> None:
    """Audit every create/update/delete of audited rows in every session (idempotent)."""
    global _installed
    if not _installed:
        event.listen(Session, "after_flush", _after_flush)
        _installed = True


def stored_events(session: Session, batch: int = 1000) -> Generator[StoredEvent, None, None]:
    result = session.execute(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    )
    try:
        yield from (_stored(row) for row in result.scalars())
    finally:
        result.close()  # a server-side cursor on PostgreSQL: close it even when stopped early


def _stored(row: Any) -> StoredEvent:
    """An ``AuditEvent`` or a result row with its columns."""
    return StoredEvent(
        link=ChainLink(
            seq=row.seq,
            occurred_at=row.occurred_at,
            actor=row.actor,
            organisation_id=row.organisation_id,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            request_id=row.request_id,
            personal_digest=row.personal_digest,
            prev_hash=row.prev_hash,
        ),
        hash=row.hash,
        client_address=row.client_address,
        detail=row.detail,
        redacted=row.redacted,
    )


def verify_chain(
    session: Session, checkpoints: Sequence[Checkpoint] = (), *, require_current_head: bool = True
) -> Verdict:
    """Check every event in order; the verdict names the first broken link, if any."""
    with closing(stored_events(session)) as events:
        return verify(events, keys_of(session), checkpoints, require_current_head)


def take_checkpoint(session: Session) -> Checkpoint:
    """Verify the chain and return its head (position and hash) to keep outside the database."""
    last: list[StoredEvent] = []

    def remembered(events: Iterable[StoredEvent]) -> Iterator[StoredEvent]:
        for stored in events:
            last[:] = [stored]
            yield stored

    with closing(stored_events(session)) as events:
        verdict = verify(remembered(events), keys_of(session))
    if not verdict.ok:
        raise AuditChainError(f"the chain does not verify, so no checkpoint was taken: {verdict}")
    seq, head = (last[0].link.seq, last[0].hash) if last else (0, GENESIS)
    return Checkpoint(seq, head, utcnow())


def redact(session: Session, *, object_type: str, object_id: str) -> int:
    """Blank the personal fields of an object's events (erasure); the chain still verifies."""
    result = session.execute(
        update(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .values(client_address=None, detail=None, redacted=True)
    )
    return int(getattr(result, "rowcount", 0) or 0)
