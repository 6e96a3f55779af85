"""`reclaim bank` and `reclaim apikey`, and the staff pages for hash lists."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.bank.items import Provenance, add_item, get_or_create_list
from reclaim.bank.signals import make_signal
from reclaim.storage.database import Database
from tests.conftest import Staff, csrf

PDQ = secrets.token_hex(32)


@pytest.fixture
def run(cli):  # type: ignore[no-untyped-def]
    cli("db", "upgrade")
    return cli


def test_import_reports_rejected_lines_and_is_idempotent(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "list.txt"
    source.write_text(f"pdq {PDQ}\npdq not-a-hash\nmd5 {'b' * 32}\n")
    first = run("bank", "import", str(source), "--quality", "100")
    assert first.exit_code == 1  # one line was rejected
    assert "2 added, 0 already present, 1 rejected" in first.output
    assert "line 2:" in first.output and "hexadecimal" in first.output
    second = run("bank", "import", str(source), "--quality", "100")
    assert "0 added, 2 already present, 1 rejected" in second.output
    lists = run("bank", "lists")
    assert "reclaim" in lists.output and "2" in lists.output


def test_import_refuses_low_quality_pdq_with_the_reason(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "list.csv"
    source.write_text(
        f"signal_type,signal_str,collab,category,tags,item_id,quality\npdq,{PDQ},x,,,,20\n"
    )
    result = run("bank", "import", str(source))
    assert result.exit_code == 1 and "line 2:" in result.output and "quality 20" in result.output


def test_import_of_a_missing_or_binary_file_is_explained(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert "No file at" in run("bank", "import", str(tmp_path / "none.txt")).output
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)))
    result = run("bank", "import", str(binary))
    assert result.exit_code == 1 and "not a UTF-8 text file" in result.output


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "pytx"])
def test_export_round_trips_through_import(run, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "in.txt").write_text(f"pdq {PDQ}\nmd5 {'c' * 32}\n")
    run("bank", "import", str(tmp_path / "in.txt"), "--quality", "100")
    out = tmp_path / f"out.{fmt}"
    assert run("bank", "export", "--format", fmt, "--output", str(out)).exit_code == 0
    again = run("bank", "import", str(out), "--list", "copy", "--format", fmt, "--quality", "100")
    assert again.exit_code == 0 and "2 added" in again.output


def test_apikey_create_list_revoke(run) -> None:  # type: ignore[no-untyped-def]
    run("admin", "create-org", "--name", "PhotoShare", "--kind", "platform")
    created = run(
        "apikey",
        "create",
        "--org",
        "PhotoShare",
        "--name",
        "scanner",
        "--scope",
        "match",
        "--scope",
        "feed",
    )
    assert created.exit_code == 0
    token = created.output.strip().splitlines()[-1]
    assert token.startswith("rk_")
    prefix = token.split("_")[1]
    assert prefix in run("apikey", "list").output and token not in run("apikey", "list").output
    assert run("apikey", "revoke", prefix).exit_code == 0
    assert (
        run(
            "apikey", "create", "--org", "PhotoShare", "--name", "x", "--scope", "everything"
        ).exit_code
        == 1
    )
    assert run("apikey", "revoke", "nope").exit_code == 1


def test_staff_search_detail_and_withdraw(
    client: TestClient, staff: Staff, app_db: Database
) -> None:
    with app_db.session() as session:
        item = add_item(
            session,
            get_or_create_list(session),
            [make_signal("pdq", PDQ, 100)],
            provenance=Provenance.STAFF_VERIFIED,
        ).item.id
    staff.create(role="analyst", username="analyst@hotline.example")
    staff.sign_in(client, "analyst@hotline.example")
    page = client.get("/staff/lists", params={"q": PDQ.upper()})
    assert page.status_code == 200 and f"/staff/items/{item}" in page.text
    assert "not a hash" in client.get("/staff/lists", params={"q": "hello"}).text
    detail = client.get(f"/staff/items/{item}")
    assert "staff_verified" in detail.text and "No platform has reported" in detail.text
    token = csrf(client, f"/staff/items/{item}")
    refused = client.post(
        f"/staff/items/{item}/status",
        data={"status": "withdrawn", "reason": "", "csrf_token": token},
    )
    assert refused.status_code == 400 and "Say why" in refused.text
    done = client.post(
        f"/staff/items/{item}/status",
        data={"status": "withdrawn", "reason": "asked by the young person", "csrf_token": token},
    )
    assert done.status_code == 200 and "withdrawn: asked by the young person" in done.text
    assert "No active item matches" in client.get("/staff/lists", params={"q": PDQ}).text


def test_viewers_cannot_open_hash_lists(client: TestClient, staff: Staff) -> None:
    staff.create(role="viewer", username="viewer@school.example")
    staff.sign_in(client, "viewer@school.example")
    assert client.get("/staff/lists").status_code == 403


def test_admin_issues_and_revokes_a_platform_key_on_the_web(
    client: TestClient, staff: Staff, app_db: Database
) -> None:
    from reclaim.accounts.staff import create_organisation

    with app_db.session() as session:
        create_organisation(session, "PhotoShare", "platform")
    staff.create("admin@photoshare.example", org="PhotoShare")  # the platform's own admin
    staff.sign_in(client, "admin@photoshare.example")
    token = csrf(client, "/staff/api-keys")
    page = client.post(
        "/staff/api-keys",
        data={
            "name": "scanner",
            "scopes": ["match", "feed"],
            "rate_per_minute": 600,
            "csrf_token": token,
        },
    )
    assert page.status_code == 200
    key = page.text.split('data-testid="new-api-key">')[1].split("<")[0]
    assert key.startswith("rk_")
    feed = client.get("/api/v1/hashes", headers={"Authorization": f"Bearer {key}"})
    assert feed.status_code == 200
    assert key not in client.get("/staff/api-keys").text  # shown once only
    bad = client.post(
        "/staff/api-keys", data={"name": " ", "scopes": ["feed"], "csrf_token": token}
    )
    assert bad.status_code == 400 and "Give the key a name" in bad.text

    from reclaim.accounts.models import ApiKey

    with app_db.read_session() as session:
        key_id = session.scalar(select(ApiKey.id))
    client.post(f"/staff/api-keys/{key_id}/revoke", data={"csrf_token": token})
    assert (
        client.get("/api/v1/hashes", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    )


def test_import_keeps_exact_hashes_of_a_line_whose_pdq_is_too_plain(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    sha, md5 = secrets.token_hex(32), secrets.token_hex(16)
    line = {
        "signals": [
            {"type": "pdq", "value": PDQ, "quality": 20},
            {"type": "sha256", "value": sha},
            {"type": "md5", "value": md5},
        ]
    }
    source = tmp_path / "list.jsonl"
    source.write_text(json.dumps(line) + "\n")
    result = run("bank", "import", str(source))
    assert "1 added" in result.output, result.output
    assert "line 1:" in result.output and "quality 20" in result.output
    assert "SHA-256 and MD5 were kept" in result.output
    exported = json.loads(run("bank", "export", "--format", "jsonl").output.splitlines()[0])
    assert {(s["type"], s["value"]) for s in exported["signals"]} == {("sha256", sha), ("md5", md5)}
    again = run("bank", "import", str(source))
    assert "0 added, 1 already present" in again.output


def test_import_commits_in_batches_and_a_killed_import_resumes(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch commits on its own (the write lock is held briefly); killed after two
    batches, the import keeps them, and --resume carries on after the last one."""
    import reclaim.bank.transfer as transfer

    source = tmp_path / "list.txt"
    source.write_text("".join(f"md5 {i:032x}\n" for i in range(1, 11)))
    real_flush_count = {"n": 0}
    real = transfer.import_items

    def dies_on_the_third_batch(*args, **kwargs):  # type: ignore[no-untyped-def]
        real_flush_count["n"] += 1
        if real_flush_count["n"] == 3:
            raise KeyboardInterrupt  # as if the process were killed mid-import
        return real(*args, **kwargs)

    monkeypatch.setattr(transfer, "import_items", dies_on_the_third_batch)
    killed = run("bank", "import", str(source), "--batch-lines", "3")
    assert killed.exit_code != 0
    monkeypatch.setattr(transfer, "import_items", real)
    assert "6" in run("bank", "lists").output  # two batches of three kept
    resumed = run("bank", "import", str(source), "--batch-lines", "3", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "Resuming after line 6" in resumed.output
    assert "4 added, 0 already present, 0 rejected" in resumed.output
    again = run("bank", "import", str(source), "--batch-lines", "3")
    assert "0 added, 10 already present" in again.output
