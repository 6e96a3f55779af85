"""What the command line asks the contexts for, on SQLite and PostgreSQL: list counts by status,
staff accounts and API keys by what an operator types, and a schema upgrade that explains."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from reclaim.accounts.apikeys import issue, revoke
from reclaim.accounts.lookup import api_key_summaries, find_api_key, find_user
from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation, create_user
from reclaim.bank.items import ItemStatus, Provenance, add_item, get_or_create_list, set_status
from reclaim.bank.lists import ListStatusCount, counts_by_status
from reclaim.bank.signals import SignalType, make_signal
from reclaim.storage.database import Database
from reclaim.storage.schema import DatabaseUnreachable, upgrade_schema
from tests.conftest import make_settings


def test_counts_by_status_counts_each_list_and_shows_empty_ones(any_db: Database) -> None:
    with any_db.session() as session:
        main = get_or_create_list(session, "main")
        get_or_create_list(session, "empty")
        items = [
            add_item(
                session,
                main,
                [make_signal(SignalType.MD5, secrets.token_hex(16))],
                provenance=Provenance.IMPORTED,
            ).item
            for _ in range(3)
        ]
        set_status(session, items[0], ItemStatus.WITHDRAWN, reason="test")
    with any_db.read_session() as session:
        counts = counts_by_status(session)
    assert ListStatusCount("empty", None, 0) in counts
    assert ListStatusCount("main", "active", 2) in counts
    assert ListStatusCount("main", "withdrawn", 1) in counts
    assert [c.list_name for c in counts] == sorted(c.list_name for c in counts)


def test_users_and_keys_are_found_by_what_an_operator_types(any_db: Database) -> None:
    hashing = PasswordHashing(Argon2Parameters(1, 8192, 1))
    with any_db.session() as session:
        school = create_organisation(session, "Hillside Academy", "school")
        create_user(
            session,
            hashing,
            organisation=school,
            username="dsl@school.example",
            password="a long enough passphrase 42",
            role="dsl",
        )
        platform = create_organisation(session, "PhotoShare", "platform")
        first = issue(session, platform, "upload scanner", ["match"], 60)
        second = issue(session, platform, "feed", ["feed"])
        revoke(session, second.key)
    with any_db.read_session() as session:
        user = find_user(session, "  DSL@School.Example ")
        assert user is not None and user.username == "dsl@school.example"
        assert find_user(session, "nobody@school.example") is None
        key = find_api_key(session, first.key.prefix)
        assert key is not None and key.name == "upload scanner"
        assert find_api_key(session, "nope") is None
        summaries = api_key_summaries(session)
    assert [(s.prefix, s.organisation, s.name) for s in summaries] == [
        (first.key.prefix, "PhotoShare", "upload scanner"),
        (second.key.prefix, "PhotoShare", "feed"),
    ]
    assert summaries[0].scopes == ("match",) and summaries[0].rate_per_minute == 60
    assert summaries[0].revoked_at is None and summaries[1].revoked_at is not None
    assert first.token not in repr(summaries)


def test_an_unreachable_database_is_named_not_raised_as_a_driver_error(tmp_path: Path) -> None:
    url = "postgresql://nobody@127.0.0.1:1/none"  # nothing listens on port 1
    db = Database(make_settings(tmp_path, database_url=url))
    try:
        with pytest.raises(DatabaseUnreachable):
            upgrade_schema(db)
    finally:
        db.dispose()
