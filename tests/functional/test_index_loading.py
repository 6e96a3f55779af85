"""The matching index at process start: snapshot, catch-up from the database, readiness."""

from __future__ import annotations

import gc
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from reclaim.accounts.apikeys import issue
from reclaim.accounts.staff import create_organisation
from reclaim.bank import matcher as matcher_module
from reclaim.bank.items import ItemStatus, Provenance, add_item, get_or_create_list, set_status
from reclaim.bank.loading import MatcherLoader, load_matcher, snapshot_dir
from reclaim.bank.matcher import Matcher
from reclaim.bank.models import ContentItem
from reclaim.bank.signals import make_signal
from reclaim.config import Settings
from reclaim.storage.database import Database
from reclaim.web.app import create_app
from reclaim.web.services import services_of
from tests.conftest import BASE_URL


def _add(db: Database, *signals: tuple[str, str]) -> int:
    with db.session() as session:
        made = [make_signal(kind, value, 100 if kind == "pdq" else None) for kind, value in signals]
        return add_item(
            session, get_or_create_list(session), made, provenance=Provenance.IMPORTED
        ).item.id


def _withdraw(db: Database, item_id: int) -> None:
    with db.session() as session:
        item = session.get(ContentItem, item_id)
        assert item is not None
        set_status(session, item, ItemStatus.WITHDRAWN, "test")


def test_snapshot_round_trip_then_catch_up(app_db: Database, tmp_path: Path) -> None:
    pdqs = [secrets.token_hex(32) for _ in range(5)]
    sha = secrets.token_hex(32)
    ids = [_add(app_db, ("pdq", p)) for p in pdqs] + [_add(app_db, ("sha256", sha))]
    frames = ";".join(f"100,{p},{t}" for t, p in enumerate(pdqs[:2]))
    video = _add(app_db, ("vpdq", frames))
    saved = load_matcher(app_db, tmp_path)
    with app_db.read_session() as session:
        saved.save(tmp_path, session)
    # After the snapshot: one withdrawn, one added.
    _withdraw(app_db, ids[0])
    late = secrets.token_hex(32)
    late_id = _add(app_db, ("pdq", late))
    restored = load_matcher(app_db, tmp_path)
    assert restored.applied_seq > saved.applied_seq
    queries = [make_signal("pdq", p, 100) for p in [pdqs[0], pdqs[1], late]] + [
        make_signal("sha256", sha),
        make_signal("vpdq", frames),
    ]
    found = [[m.item_id for m in hits] for hits in restored.match(queries)]
    assert found == [[], [ids[1]], [late_id], [ids[5]], [video]]


def test_a_damaged_snapshot_means_a_full_build_not_a_crash(
    app_db: Database, tmp_path: Path
) -> None:
    pdq = secrets.token_hex(32)
    item = _add(app_db, ("pdq", pdq))
    with app_db.read_session() as session:
        load_matcher(app_db, tmp_path).save(tmp_path, session)
    (tmp_path / "pdq.index").write_bytes(b"not an index at all")
    matcher = load_matcher(app_db, tmp_path)
    assert [m.item_id for m in matcher.match([make_signal("pdq", pdq, 100)])[0]] == [item]


def test_not_ready_until_the_index_is_loaded(app_settings: Settings, app_db: Database) -> None:
    gate = threading.Event()
    original = Matcher.sync

    def slow_sync(self: Matcher, session: object) -> int:
        gate.wait(10)
        return original(self, session)  # type: ignore[arg-type]

    with app_db.session() as session:
        token = issue(
            session, create_organisation(session, "PhotoShare", "platform"), "scanner"
        ).token
    Matcher.sync = slow_sync  # type: ignore[method-assign]
    try:
        app = create_app(app_settings, app_db)
        with TestClient(app, base_url=BASE_URL) as client:
            ready = client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["checks"]["index"] == "index loading"
            busy = client.post(
                "/api/v1/match",
                json={"signals": [{"type": "md5", "value": "b" * 32}]},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
            gate.set()
            services_of(app).matcher_loader.join(10)
            assert client.get("/readyz").status_code == 200
    finally:
        Matcher.sync = original  # type: ignore[method-assign]
        gate.set()


def test_servers_start_from_the_snapshot_the_cli_writes(
    app_settings: Settings, app_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from reclaim.cli.main import app as cli
    from reclaim.config import reset_settings

    pdq = secrets.token_hex(32)
    item = _add(app_db, ("pdq", pdq))
    monkeypatch.setenv("RECLAIM_DATA_DIR", str(app_settings.data_dir))
    reset_settings()
    result = CliRunner().invoke(cli, ["bank", "snapshot"])
    reset_settings()
    assert result.exit_code == 0 and "Saved 1 items" in result.output
    assert (snapshot_dir(app_settings.data_dir) / "pdq.index").exists()
    loader = MatcherLoader(app_db, snapshot_dir(app_settings.data_dir))
    loader.start()
    loader.join(10)
    assert loader.readiness()[0]
    assert [m.item_id for m in loader.matcher.match([make_signal("pdq", pdq, 100)])[0]] == [item]


def test_video_matches_follow_pytx_rule(app_db: Database, tmp_path: Path) -> None:
    """80% of the query's good frames within 31 of the stored video; low-quality frames ignored."""
    frames = [secrets.token_hex(32) for _ in range(10)]
    stored = ";".join(f"100,{p},{t}" for t, p in enumerate(frames))
    video = _add(app_db, ("vpdq", stored))
    matcher = load_matcher(app_db, tmp_path)
    eight_of_ten = ";".join(
        f"100,{p if t < 8 else secrets.token_hex(32)},{t}" for t, p in enumerate(frames)
    )
    seven_of_ten = ";".join(
        f"100,{p if t < 7 else secrets.token_hex(32)},{t}" for t, p in enumerate(frames)
    )
    noisy = ";".join(
        f"{100 if t < 8 else 10},{p if t < 8 else secrets.token_hex(32)},{t}"
        for t, p in enumerate(frames)
    )
    hits = matcher.match([make_signal("vpdq", q) for q in (eight_of_ten, seven_of_ten, noisy)])
    assert [[(m.item_id, m.share) for m in h] for h in hits] == [[(video, 0.8)], [], [(video, 1.0)]]


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Give the objects a test froze back to the collector (one test process runs them all)."""
    yield
    gc.unfreeze()


def _scanned(obj: object) -> bool:
    """Whether the cyclic collector's full collections walk ``obj``."""
    return any(o is obj for o in gc.get_objects())


def test_the_loaded_index_is_out_of_the_collectors_way(
    app_db: Database, tmp_path: Path, unfrozen: None
) -> None:
    """A full garbage collection walks every tracked object with the GIL held: with the index's
    entries among them it paused every request 200 ms on a 100,000-item bank (the soak shed 18
    matches on one pause). Once loaded, they are frozen; later objects are not."""
    _add(app_db, ("pdq", secrets.token_hex(32)))
    loader = MatcherLoader(app_db, tmp_path, settle=True)  # as the server's (gc_freeze on)
    loader.start()
    loader.join(30)
    assert loader.readiness()[0]
    assert loader.matcher.settle_after == matcher_module.SETTLE_AFTER_CHANGES
    state = loader.matcher._state
    entry = next(iter(state.items.values()))
    assert gc.is_tracked(entry) and not _scanned(entry)
    assert not _scanned(state.items)
    later = [object()]
    assert _scanned(later)


def test_the_gc_freeze_setting_reaches_the_loader(app_settings: Settings, app_db: Database) -> None:
    """On by default (a server); this suite turns it off (make_settings), since one test
    process starts hundreds of apps."""
    assert Settings.model_fields["gc_freeze"].default is True
    assert not app_settings.gc_freeze
    assert services_of(create_app(app_settings, app_db)).matcher_loader.settle is False
    on = create_app(app_settings.model_copy(update={"gc_freeze": True}), app_db)
    assert services_of(on).matcher_loader.settle is True


def test_a_large_catch_up_is_frozen_too(app_db: Database, unfrozen: None) -> None:
    """Items that arrive in one large batch after the load (a bank import seen by a running
    server) join the frozen generation; a few from reports are left to the collector."""
    matcher = Matcher()
    with app_db.read_session() as session:
        matcher.sync(session)
    matcher.settle_after = 3
    first = _add(app_db, ("pdq", secrets.token_hex(32)))
    with app_db.read_session() as session:
        assert matcher.sync(session) == 1
    assert _scanned(matcher._state.items[first])  # one change: the collector's as usual
    batch = [_add(app_db, ("pdq", secrets.token_hex(32))) for _ in range(3)]
    with app_db.read_session() as session:
        assert matcher.sync(session) == 3
    assert not any(_scanned(matcher._state.items[i]) for i in batch)
