"""Issue 13, item 5: no risk score, anywhere. Reclaim never scores, rates, levels or ranks a
child's risk of suicide or self-harm: no field, label, colour, sort order or computation that
does. Risk scales predict suicide poorly, and a "low risk" label stops people asking (NICE
NG225 says not to use them). This test reads the templates, the tables' column names, the
OpenAPI schemas (the committed document and the live app's) and the Python source, and fails
on any such word or field. Sentences that say we do NOT score risk are allowed, one by one."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from reclaim.storage.metadata import metadata

ROOT = Path(__file__).resolve().parents[2]
SEP = r"[\s_\-.]*"
#: What a risk score looks like as words, labels, CSS classes or identifiers.
SCORING = re.compile(
    "|".join(
        [
            rf"risk{SEP}(?:score|scoring|level|rating|rated|rank|band|grade|tier|category|matrix|index)",
            rf"(?:score|level|rating|grade)s?{SEP}(?:of|for){SEP}(?:suicid\w*|self{SEP}harm|risk)",
            rf"(?:high|medium|low|moderate|severe|critical|elevated|minimal){SEP}risk",
            rf"risk{SEP}(?:high|medium|low|moderate|severe|critical)",
            rf"\brag{SEP}(?:rating|rated|status|colou?r)",
            rf"\b(?:red|amber|green){SEP}(?:risk|rating)",
            rf"suicid\w*{SEP}(?:score|level|rating|risk|severity|probability|likelihood)",
            rf"self{SEP}harm\w*{SEP}(?:score|level|rating|risk|severity|probability|likelihood)",
            rf"severity{SEP}(?:of{SEP})?(?:suicid\w*|self{SEP}harm)",
            rf"(?:suicid\w*|self{SEP}harm){SEP}(?:scale|screen(?:ing)?{SEP}score)",
        ]
    ),
    re.IGNORECASE,
)
#: Column names that would hold a score or level of risk, whatever the label says.
RISKY_COLUMN = re.compile(r"risk|suicid|self_?harm|severity|danger_(?:score|level)", re.I)
#: Sentences that say Reclaim does not score risk (each is a whole sentence, matched exactly).
ALLOWED = {
    "Do not use risk scores to predict suicide or self-harm; plan with the child and follow up.",
}


def _sentences(text: str) -> Iterator[str]:
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>|{[{%#].*?[}%#]}", " ", text))
    yield from (s.strip() for s in re.split(r"(?<=[.!?])\s+", flat) if s.strip())


def findings(text: str) -> list[str]:
    """Sentences of ``text`` that score or level risk (the allowed ones left out)."""
    found = []
    for sentence in _sentences(text):
        if SCORING.search(sentence) and sentence not in ALLOWED:
            found.append(sentence)
    for attribute in re.findall(r"""(?:class|id|name|data-[\w-]+)=["']([^"']+)["']""", text):
        if SCORING.search(attribute):
            found.append(attribute)
    return found


def test_the_check_tells_a_score_from_a_sentence_that_refuses_one() -> None:
    for bad in (
        "Risk level: HIGH",
        '<span class="badge risk-high">x</span>',
        "suicide_score",
        "RAG rating: amber",
        "Severity of self-harm",
        "<td>Low risk</td>",
        "order_by(Case.risk_score.desc())",
        "level of suicidality",
    ):
        assert findings(bad), bad
    for fine in (
        "Do not use risk scores to predict suicide or self-harm; plan with the child and follow up.",
        "Someone may be at immediate risk of harm. Call 999.",
        "For example, they are talking about suicide or are self-harming.",
        "It is the child's plan, not an assessment: Reclaim never scores or rates risk.",
        "My warning signs",
    ):
        assert not findings(fine), fine


TEMPLATES = sorted((ROOT / "src/reclaim/web/templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_scores_risk(path: Path) -> None:
    assert findings(path.read_text(encoding="utf-8")) == []


def test_no_catalogue_scores_risk() -> None:
    for path in (ROOT / "src/reclaim/web/translations").rglob("*.po*"):
        ids = re.findall(r'^msgid "(.*)"$', path.read_text(encoding="utf-8"), flags=re.M)
        assert [i for i in ids if findings(i)] == [], path


def test_no_table_has_a_risk_column() -> None:
    found = [
        f"{table.name}.{column.name}"
        for table in metadata.sorted_tables
        for column in table.columns
        if RISKY_COLUMN.search(column.name) or SCORING.search(column.name)
    ]
    found += [t.name for t in metadata.sorted_tables if RISKY_COLUMN.search(t.name)]
    assert found == []


def test_no_code_computes_or_sorts_by_risk() -> None:
    found = []
    for path in sorted((ROOT / "src/reclaim").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            for name in re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\b", code):
                if "_" in name and SCORING.search(name):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {name}")
    assert found == []


def _schema_words(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every property name, enum value, title and description in an OpenAPI document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for name in value:
                    yield f"{path}.properties", name
            if key in ("title", "description", "summary") and isinstance(value, str):
                yield f"{path}.{key}", value
            if key == "enum" and isinstance(value, list):
                yield from ((f"{path}.enum", str(v)) for v in value)
            yield from _schema_words(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _schema_words(value, f"{path}[{index}]")


def _schema_findings(document: dict[str, Any]) -> list[str]:
    found = []
    for where, words in _schema_words(document):
        if (where.endswith(".properties") and RISKY_COLUMN.search(words)) or findings(words):
            found.append(f"{where}: {words}")
    return found


def test_the_committed_openapi_document_has_no_risk_score() -> None:
    document = json.loads((ROOT / "docs/openapi.json").read_text(encoding="utf-8"))
    assert _schema_findings(document) == []


def test_the_live_apps_schemas_have_no_risk_score(client: TestClient) -> None:
    app: Any = client.app
    assert _schema_findings(app.openapi()) == []
