"""Crash safety: a real `reclaim serve` is SIGKILLed at random moments while clients send
reports and withdrawals, round after round, on SQLite and PostgreSQL. Afterwards every
acknowledged report, hash and withdrawal is present and effective, no retry made a second
report, the audit chain verifies and the database passes its integrity check.

Marked slow (about a minute per database); `make test` and CI run it.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import func, select, text

from reclaim.audit.recorder import verify_chain
from reclaim.bank.loading import load_matcher
from reclaim.bank.signals import make_signal
from reclaim.config import new_field_key
from reclaim.reports.models import Report, ReportHash
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from tests.conftest import make_settings
from tests.functional.test_reports_api import image_hashes

SRC = Path(__file__).resolve().parents[2] / "src"
ROUNDS = 10
CLIENTS = 4
SECRET = "k2Jf8sLq0ZxV7mN3pR6tY1wB4cE9gH5dA2sF7jK0lQ8uI3oP"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Sent:
    key: str
    files: list[dict[str, Any]]
    reference: str | None = None  # known once a 201 came back
    pin: str | None = None


@dataclass
class Ledger:
    """What the clients were told, and what is still unknown (no answer before the kill)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: list[Sent] = field(default_factory=list)
    unanswered: list[Sent] = field(default_factory=list)
    withdrawn: set[str] = field(default_factory=set)  # references acknowledged withdrawn
    #: Withdrawals sent with no answer (the kill): done or not, but all or nothing.
    maybe_withdrawn: set[str] = field(default_factory=set)
    replays: int = 0


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "reclaim.cli.main", "serve", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while True:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not become ready"
            time.sleep(0.1)

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


def _report(client: httpx.Client, url: str, sent: Sent) -> httpx.Response:
    return client.post(
        f"{url}/api/v1/reports",
        json={"age_group": "under18", "country": "GB", "files": sent.files},
        headers={"Idempotency-Key": sent.key},
        timeout=10,
    )


def _client_loop(url: str, ledger: Ledger, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client() as client:
        while not stop.is_set():
            with ledger.lock:
                done = ledger.withdrawn | ledger.maybe_withdrawn
                candidates = [s for s in ledger.acknowledged if s.reference not in done]
            if candidates and rng.random() < 0.3:
                target = rng.choice(candidates)
                try:
                    answer = client.post(
                        f"{url}/api/v1/reports/{target.reference}/withdraw",
                        json={"all": True},
                        headers={"X-Reclaim-PIN": target.pin or ""},
                        timeout=10,
                    )
                except httpx.TransportError:  # unknown: may or may not have happened
                    with ledger.lock:
                        ledger.maybe_withdrawn.add(target.reference or "")
                    continue
                assert answer.status_code == 200, answer.text
                with ledger.lock:
                    ledger.withdrawn.add(target.reference or "")
                continue
            sent = Sent(key=f"crash-{seed}-{rng.getrandbits(64):016x}", files=[image_hashes()])
            if rng.random() < 0.3:
                sent.files.append(image_hashes())
            try:
                answer = _report(client, url, sent)
            except httpx.TransportError:
                with ledger.lock:
                    ledger.unanswered.append(sent)
                continue
            assert answer.status_code == 201, answer.text
            sent.reference, sent.pin = answer.json()["reference"], answer.json()["pin"]
            with ledger.lock:
                ledger.acknowledged.append(sent)


def _retry_unanswered(url: str, ledger: Ledger) -> None:
    """After a restart the client sends again what got no answer, with the same key."""
    with httpx.Client() as client:
        for sent in list(ledger.unanswered):
            answer = _report(client, url, sent)
            assert answer.status_code == 201, answer.text
            sent.reference, sent.pin = answer.json()["reference"], answer.json()["pin"]
            with ledger.lock:
                ledger.replays += answer.headers.get("idempotent-replayed") == "true"
                ledger.acknowledged.append(sent)
                ledger.unanswered.remove(sent)


def _integrity(db: Database) -> None:
    if db.dialect == "sqlite":
        path = db.url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        return
    with db.engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
        indexes = conn.execute(
            text(
                "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE a.amname = 'btree' AND n.nspname = 'public'"
            )
        ).scalars()
        for index in indexes:
            conn.execute(text("SELECT bt_index_check(CAST(:i AS regclass), true)"), {"i": index})
        conn.commit()


def test_kills_during_reports_and_withdrawals_lose_nothing(any_db_url: str, tmp_path: Path) -> None:
    field_key = new_field_key()
    settings = make_settings(
        tmp_path, database_url=any_db_url, secret_key=SECRET, field_encryption_key=field_key
    )
    db = Database(settings)
    upgrade(db)
    db.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECLAIM_")}
    env.update(
        PYTHONPATH=str(SRC),
        RECLAIM_DATA_DIR=str(tmp_path / "var"),
        RECLAIM_DATABASE_URL=any_db_url,
        RECLAIM_SECRET_KEY=SECRET,
        RECLAIM_FIELD_ENCRYPTION_KEY=field_key,
        RECLAIM_BOT_GUARD_POW_BITS="0",
        RECLAIM_REPORT_RATE_PER_HOUR="1000000",
        RECLAIM_PIN_RATE_PER_MINUTE="1000000",
        RECLAIM_PIN_FAILURES_PER_DAY="1000000",
        RECLAIM_ARGON2_TIME_COST="1",
        RECLAIM_ARGON2_MEMORY_KIB="8192",
        RECLAIM_ARGON2_PARALLELISM="1",
        RECLAIM_LOG_LEVEL="WARNING",
    )
    server = Server(env, tmp_path / "serve.log")
    ledger = Ledger()
    rng = random.Random(11)
    for round_no in range(ROUNDS):
        server.start()
        _retry_unanswered(server.url, ledger)
        stop = threading.Event()
        clients = [
            threading.Thread(
                target=_client_loop, args=(server.url, ledger, stop, round_no * 100 + i)
            )
            for i in range(CLIENTS)
        ]
        for thread in clients:
            thread.start()
        time.sleep(rng.uniform(0.4, 1.6))  # a random point in the traffic
        server.kill()
        stop.set()
        for thread in clients:
            thread.join(30)
    server.start()
    _retry_unanswered(server.url, ledger)
    try:
        # Every acknowledged report opens with its PIN and says what it should.
        with httpx.Client() as client:
            for sent in ledger.acknowledged:
                status = client.get(
                    f"{server.url}/api/v1/reports/{sent.reference}",
                    headers={"X-Reclaim-PIN": sent.pin or ""},
                    timeout=10,
                )
                assert status.status_code == 200, status.text
                states = [h["status"] for h in status.json()["hashes"]]
                if sent.reference in ledger.maybe_withdrawn:  # either, but never half
                    assert states in (["withdrawn"] * len(sent.files), ["active"] * len(sent.files))
                    continue
                expected = "withdrawn" if sent.reference in ledger.withdrawn else "active"
                assert states == [expected] * len(sent.files)
    finally:
        server.kill()
    assert len(ledger.acknowledged) >= 20 and ledger.withdrawn, "too little traffic to mean much"

    db = Database(settings)
    try:
        with db.read_session() as session:
            # No retry split a report: one report per submission, one link per file.
            assert session.scalar(select(func.count(Report.id))) == len(ledger.acknowledged)
            links = session.scalar(select(func.count(ReportHash.id)))
            assert links == sum(len(s.files) for s in ledger.acknowledged)
            verdict = verify_chain(session)
            assert verdict.ok, str(verdict)
        matcher = load_matcher(db, tmp_path / "no-snapshot")
        for sent in ledger.acknowledged:
            if sent.reference in ledger.maybe_withdrawn:
                continue  # checked above: withdrawn whole or not at all
            hits = matcher.match([make_signal("sha256", f["sha256"]) for f in sent.files])
            gone = sent.reference in ledger.withdrawn
            assert all((not h) if gone else bool(h) for h in hits), sent.reference
            pdq = matcher.match([make_signal("pdq", f["pdq"], 100) for f in sent.files])
            assert all((not h) if gone else bool(h) for h in pdq), sent.reference
        _integrity(db)
    finally:
        db.dispose()
    print(
        f"{ROUNDS} kills: {len(ledger.acknowledged)} reports acknowledged "
        f"({ledger.replays} answered again after a kill), {len(ledger.withdrawn)} withdrawals"
    )
