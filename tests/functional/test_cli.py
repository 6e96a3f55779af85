"""The `reclaim` command: clear messages and exit codes, never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest


@pytest.fixture
def run(cli):  # type: ignore[no-untyped-def]
    return cli


def test_db_upgrade_is_idempotent(run) -> None:  # type: ignore[no-untyped-def]
    first = run("db", "upgrade")
    assert first.exit_code == 0 and "upgraded" in first.output
    second = run("db", "upgrade")
    assert second.exit_code == 0 and "already current" in second.output
    assert run("db", "current").exit_code == 0


def test_create_org_and_user_from_flags(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("db", "upgrade")
    assert (
        run("admin", "create-org", "--name", "Hillside Academy", "--kind", "school").exit_code == 0
    )
    result = run(
        "admin",
        "create-user",
        "--org",
        "Hillside Academy",
        "--username",
        "DSL@Hillside.example",
        "--role",
        "dsl",
        "--email",
        "dsl@hillside.example",
        "--password-stdin",
        stdin="tulip kettle river\n",
    )
    assert result.exit_code == 0, result.output
    assert "two-step sign-in" in result.output
    with sqlite3.connect(tmp_path / "var" / "reclaim.db") as conn:
        username, email, password_hash = conn.execute(
            "SELECT username, email, password_hash FROM staff_user"
        ).fetchone()
    assert username == "dsl@hillside.example"
    assert email.startswith("v2.") and "hillside" not in email  # encrypted at rest, with a key id
    assert password_hash.startswith("$argon2id$")


def test_create_user_interactively(run) -> None:  # type: ignore[no-untyped-def]
    run("db", "upgrade")
    run("admin", "create-org", "--name", "Helpline", "--kind", "hotline")
    result = run(
        "admin",
        "create-user",
        stdin="Helpline\nanalyst1\nanalyst\ntulip kettle river\ntulip kettle river\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created analyst 'analyst1'" in result.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["--org", "Nowhere", "--username", "a1", "--role", "dsl"],
            "tulip kettle river\n",
            "No organisation",
        ),
        (
            ["--org", "School", "--username", "a1", "--role", "dsl"],
            "short\n",
            "at least 8 characters",
        ),
        (
            ["--org", "School", "--username", "a1", "--role", "dsl"],
            "password1234\n",
            "common passwords",
        ),
        (
            ["--org", "School", "--username", "bad name!", "--role", "dsl"],
            "tulip kettle river\n",
            "A username is",
        ),
        (["--org", "School", "--username", "a1", "--role", "boss"], "tulip kettle river\n", "boss"),
        (
            ["--org", "School", "--username", "a1", "--role", "dsl", "--email", "a@b, c@d"],
            "tulip kettle river\n",
            "does not look like one email address",
        ),
    ],
)
def test_bad_input_gets_a_message_and_a_nonzero_exit(
    run, args: list[str], stdin: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    run("db", "upgrade")
    run("admin", "create-org", "--name", "School", "--kind", "school")
    result = run("admin", "create-user", *args, "--password-stdin", stdin=stdin)
    assert result.exit_code != 0
    assert message in result.output


def test_duplicates_are_refused_and_nothing_is_lost(run) -> None:  # type: ignore[no-untyped-def]
    run("db", "upgrade")
    run("admin", "create-org", "--name", "School", "--kind", "school")
    again = run("admin", "create-org", "--name", "School", "--kind", "school")
    assert again.exit_code == 1 and "already exists" in again.output
    run(
        "admin",
        "create-user",
        "--org",
        "School",
        "--username",
        "a1",
        "--role",
        "dsl",
        "--password-stdin",
        stdin="tulip kettle river\n",
    )
    dup = run(
        "admin",
        "create-user",
        "--org",
        "School",
        "--username",
        "A1",
        "--role",
        "dsl",
        "--password-stdin",
        stdin="tulip kettle river\n",
    )
    assert dup.exit_code == 1 and "taken" in dup.output


def test_audit_verify_reports_ok_then_the_first_broken_link(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("db", "upgrade")
    run("admin", "create-org", "--name", "School", "--kind", "school")
    run("admin", "create-org", "--name", "Hotline", "--kind", "hotline")
    ok = run("audit", "verify")
    assert ok.exit_code == 0 and ok.output.startswith("OK: 2 events")
    with sqlite3.connect(tmp_path / "var" / "reclaim.db") as conn:
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute("UPDATE audit_event SET actor = 'someone-else' WHERE seq = 2")
    broken = run("audit", "verify")
    assert broken.exit_code == 1 and "BROKEN at event 2" in broken.output


def test_generate_key_prints_a_usable_key(run) -> None:  # type: ignore[no-untyped-def]
    from reclaim.config import decode_field_key

    result = run("admin", "generate-key")
    assert len(decode_field_key(result.output.strip())) == 32


def test_bad_database_url_is_explained(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RECLAIM_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    result = run("db", "upgrade")
    assert result.exit_code == 2 and "Cannot reach the database" in result.output


def test_audit_checkpoint_then_verify_detects_a_cut_tail(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("db", "upgrade")
    run("admin", "create-org", "--name", "School", "--kind", "school")
    run("admin", "create-org", "--name", "Hotline", "--kind", "hotline")
    kept = tmp_path / "offsite" / "checkpoints.txt"
    kept.parent.mkdir()
    taken = run("audit", "checkpoint", "--output", str(kept))
    assert taken.exit_code == 0 and "Checkpoint at event 2" in taken.output, taken.output
    printed = run("audit", "checkpoint")  # to standard output: one JSON line
    assert printed.exit_code == 0 and printed.output.startswith('{"format":')
    ok = run("audit", "verify", "--checkpoint", str(kept))
    assert ok.exit_code == 0 and "Agrees with 1 checkpoint" in ok.output, ok.output
    with sqlite3.connect(tmp_path / "var" / "reclaim.db") as conn:
        conn.execute("DROP TRIGGER audit_event_no_delete")
        conn.execute("DELETE FROM audit_event WHERE seq > 1")
    cut = run("audit", "verify", "--checkpoint", str(kept))
    assert (
        cut.exit_code == 1 and "BROKEN at event 2" in cut.output and "shows event 2" in cut.output
    )
    # Without the checkpoint the shorter chain is consistent (and verifying appends event 2).
    assert run("audit", "verify").exit_code == 0
    regrown = run("audit", "verify", "--checkpoint", str(kept))
    assert regrown.exit_code == 1 and "differs from the checkpoint" in regrown.output
    kept.write_text(kept.read_text().replace('"seq":2', '"seq":1'))
    forged = run("audit", "verify", "--checkpoint", str(kept))
    assert forged.exit_code == 2 and "line 1" in forged.output and "altered" in forged.output
    missing = run("audit", "verify", "--checkpoint", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 2 and "Cannot read" in missing.output


def test_audit_anchor_after_rotating_the_secret_key(run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    old, new = (
        "o" * 8 + "-old-secret-key-for-tests-0123456789",
        "n" * 8 + "-new-secret-key-0123456789",
    )
    monkeypatch.setenv("RECLAIM_SECRET_KEY", old)
    run("db", "upgrade")
    run("admin", "create-org", "--name", "School", "--kind", "school")
    monkeypatch.setenv("RECLAIM_SECRET_KEY", new)
    unknown = run("audit", "verify")
    assert unknown.exit_code == 1 and "BROKEN at event 1" in unknown.output
    refused = run("admin", "create-org", "--name", "Hotline", "--kind", "hotline")
    assert refused.exit_code == 1 and "reclaim audit anchor" in refused.output
    not_serving = run("serve")
    assert not_serving.exit_code == 2 and "reclaim audit anchor" in not_serving.output
    monkeypatch.setenv("RECLAIM_PREVIOUS_SECRET_KEYS", old)
    stale = run("audit", "verify")
    assert stale.exit_code == 1 and "not hashed with the current key" in stale.output
    anchored = run("audit", "anchor")
    assert anchored.exit_code == 0 and "Anchor event 2" in anchored.output, anchored.output
    assert "nothing to do" in run("audit", "anchor").output
    assert run("admin", "create-org", "--name", "Hotline", "--kind", "hotline").exit_code == 0
    ok = run("audit", "verify")
    assert ok.exit_code == 0 and ok.output.startswith("OK: 3 events"), ok.output
