"""Every audit action recorded anywhere in src/ is registered in reclaim.audit.actions and
documented in docs/audit-actions.md; record() refuses anything else (issue 10)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from reclaim.audit import actions
from reclaim.audit.action_docs import documented, markdown
from reclaim.audit.actions import SOURCES, UnregisteredAction, registered, row_action
from reclaim.audit.models import AuditEvent
from reclaim.audit.recorder import record
from reclaim.storage import Database

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "src" / "reclaim"
DOC = ROOT / "docs" / "audit-actions.md"
REGISTERED = {action.value for source in SOURCES for action in source}
ENUMS = {source.__name__: source for source in SOURCES} | {"AuditAction": actions.AuditAction}
#: What an action name looks like; a string of this shape in src/ must be a registered one.
ACTION_SHAPE = re.compile(r"^[a-z]+:[a-z-]+:[a-z-]+$")


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in SRC.rglob("*.py")]


def _record_calls(tree: ast.Module) -> list[ast.expr]:
    """The action argument of every call to ``record(session, action, ...)``."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if isinstance(node.func, ast.Attribute):
            name = node.func.attr
        if name != "record":
            continue
        if len(node.args) >= 2:
            found.append(node.args[1])
        found += [k.value for k in node.keywords if k.arg == "action"]
    return [branch for arg in found for branch in _branches(arg)]


def _branches(arg: ast.expr) -> list[ast.expr]:
    """``A.X if cond else A.Y`` is two actions, each checked."""
    if isinstance(arg, ast.IfExp):
        return _branches(arg.body) + _branches(arg.orelse)
    return [arg]


def test_every_recorded_action_in_src_is_a_registered_member() -> None:
    calls, problems = 0, []
    for path, tree in _modules():
        for arg in _record_calls(tree):
            calls += 1
            where = f"{path.relative_to(ROOT)}:{arg.lineno}"
            if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name):
                enum = ENUMS.get(arg.value.id)
                if enum is None or arg.attr not in enum.__members__:
                    problems.append(f"{where}: {arg.value.id}.{arg.attr} is not registered")
            elif isinstance(arg, ast.Call) and getattr(arg.func, "id", "") == "row_action":
                pass  # the automatic row events: checked below
            else:
                problems.append(f"{where}: pass a member of reclaim.audit.actions")
    assert calls > 20  # the scan really finds the calls
    assert not problems, problems


def test_no_unregistered_action_name_hides_in_a_string() -> None:
    strays = [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and ACTION_SHAPE.match(node.value)
        and node.value.split(":")[0] in {"staff", "public", "case", "bank", "reports", "system"}
        and node.value not in REGISTERED
    ]
    assert not strays, strays


def test_every_audited_row_change_is_registered() -> None:
    subjects = set()
    for _path, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and any(getattr(t, "id", "") == "__audit_subject__" for t in node.targets)
                and isinstance(node.value, ast.Constant)
            ):
                subjects.add(node.value.value)
    assert len(subjects) >= 8
    for subject in subjects:
        for change in ("created", "updated", "deleted"):
            assert row_action(subject, change).value == f"{subject}:{change}"


def test_every_action_is_documented_with_a_meaning() -> None:
    undocumented = [action.value for action, meaning in documented() if not meaning]
    assert not undocumented, undocumented
    assert markdown() in DOC.read_text(encoding="utf-8"), (
        "docs/audit-actions.md is out of step: python -m reclaim.audit.action_docs"
    )


def test_action_names_are_unique_and_shaped_source_subject_action() -> None:
    values = [action.value for source in SOURCES for action in source]
    assert len(values) == len(set(values))
    assert all(ACTION_SHAPE.match(v) for v in values), values


def test_record_refuses_a_name_that_is_not_registered() -> None:
    with pytest.raises(UnregisteredAction, match="not a registered audit action"):
        registered("case:url:added")
    assert registered(actions.CaseAction.LINK_MOVED) is actions.CaseAction.LINK_MOVED


def test_record_itself_refuses_an_unregistered_name_and_stores_nothing(db: Database) -> None:
    with pytest.raises(UnregisteredAction), db.session() as session:
        record(session, "case:url:added")  # type: ignore[arg-type]
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
