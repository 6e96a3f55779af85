"""No field, word or computation anywhere that scores or levels suicide or self-harm risk
(NICE NG225, 2022: do not use risk tools or scales to predict suicide or to decide who gets
care; NHS England the same). Safety planning and human follow-up instead."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "reclaim"

#: Words that grade a person's risk. "immediate risk of harm" (a question routed to a person)
#: is not among them.
FORBIDDEN = re.compile(
    r"risk[\s_-]*(score|level|rating|grade|scale|band|category|tier|matrix)"
    r"|(low|medium|moderate|high|severe)[\s_-]*risk"
    r"|(suicide|self[\s_-]*harm)[\s_-]*(score|level|scale|rating)"
    r"|red[\s_/-]*amber[\s_/-]*green|\brag[\s_-]*rating",
    re.IGNORECASE,
)

#: Advice against them ("Do not use risk scores to predict suicide") is what we want to say.
ADVICE_AGAINST = re.compile(r"\b(do not|don't|never|no)\b[^.]*?risk", re.IGNORECASE)


def _files() -> list[Path]:
    patterns = ("**/*.html", "**/models.py", "cases/**/*.py", "reports/**/*.py", "web/routes/*.py")
    found: set[Path] = set()
    for pattern in patterns:
        found.update(SRC.glob(pattern))
    return sorted(found)


def test_no_template_or_model_scores_or_levels_risk() -> None:
    files = _files()
    assert any(p.name == "case.html" for p in files) and any(p.name == "models.py" for p in files)
    hits = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FORBIDDEN.search(line) and not ADVICE_AGAINST.search(line)
    ]
    assert not hits, "risk scoring or levelling words found:\n" + "\n".join(hits)


def test_the_check_itself_finds_such_words() -> None:
    for bad in ("risk_score", "Risk level: high", "HIGH RISK", "self-harm scale", "RAG rating"):
        assert FORBIDDEN.search(bad), bad
    assert not FORBIDDEN.search("Is a young person at immediate risk of harm?")
    assert ADVICE_AGAINST.search("Do not use risk scores to predict suicide")
    assert not ADVICE_AGAINST.search("Risk score: 7")
