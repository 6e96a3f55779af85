"""A child's safety plan, in plain words (pure: no I/O).

The plan follows Stanley and Brown's Safety Planning Intervention: six steps the child fills in,
in their own words, with a trusted adult, plus an optional "what matters to me". It is a plan
the child owns, not an assessment: nothing here (or anywhere in Reclaim) scores, rates or ranks
a child's risk of suicide or self-harm.

Staff read the titles and prompts below; the child's copy (the printable page and their status
page) says the same in the public catalogues (``young/_safety_plan.html``), Welsh included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reclaim.directory import Country


@dataclass(frozen=True, slots=True)
class PlanStep:
    key: str  # the column of SafetyPlanVersion
    title: str  # the child's heading ("My warning signs")
    prompt: str  # what the adult asks, in plain words
    optional: bool = False


STEPS: tuple[PlanStep, ...] = (
    PlanStep(
        "warning_signs",
        "My warning signs",
        "What do I notice when I start to feel bad? Thoughts, feelings, things I do, "
        "things that happen.",
    ),
    PlanStep(
        "on_my_own",
        "Things I can do on my own to feel better",
        "What helps me feel calmer or take my mind off things, by myself?",
    ),
    PlanStep(
        "distractions",
        "People and places that take my mind off things",
        "Who can I be with, and where can I go, to feel a bit better?",
    ),
    PlanStep(
        "people",
        "People I can ask for help",
        "Who can I tell that I am not OK? How do I reach them?",
    ),
    PlanStep(
        "professionals",
        "Professionals and crisis lines",
        "Who can I call or text, day or night? Filled in with the help lines and our local "
        "contacts: change it with the child.",
    ),
    PlanStep(
        "surroundings",
        "Making my surroundings safer",
        "What can I do to make where I am safer? Who can help me with that?",
    ),
    PlanStep(
        "what_matters",
        "What matters to me",
        "The people, things and plans that matter most to me (if the child wants this).",
        optional=True,
    ),
)

PLAN_STEPS = STEPS  # the name the cases package exports
BY_KEY = {step.key: step for step in STEPS}
KEYS = tuple(step.key for step in STEPS)
MAX_STEP_TEXT = 4000

#: Reasons staff often record when there is no plan yet (a free-text reason is always allowed).
NO_PLAN_HINT = (
    'For example: "The child did not want to make one today; we will ask again on Friday '
    'with their form tutor."'
)


def crisis_lines(place: Country, *, adult: bool = False) -> list[str]:
    """The help directory's numbers for ``place``: the emergency number, the young people's
    line and the crisis lines, one per line ("Childline: 0800 1111")."""
    found = []
    if place.emergency:
        found.append(f"Emergency (if I am in danger now): {place.emergency}")
    line = place.helpline(adult)
    entries = [line] if line is not None else []
    entries += place.for_use("crisis", group="adult" if adult else "under18")
    seen: set[str] = set()
    for entry in entries:
        if entry is None or entry.id in seen:
            continue
        seen.add(entry.id)
        how = entry.phone or entry.url
        found.append(f"{entry.name}: {how}")
    return found


def prefilled_professionals(place: Country, local: Iterable[tuple[str, str, str]]) -> str:
    """Step 5's first draft: the organisation's local pathways that a child may call
    (``local``: what each is, its name, how to reach it), then the directory's lines."""
    found = [f"{what}: {name}" + (f", {how}" if how else "") for what, name, how in local]
    return "\n".join([*found, *crisis_lines(place)])


def lines_of(text: str) -> list[str]:
    """A step's words as the lines the child wrote (blank lines dropped)."""
    return [line.strip() for line in text.splitlines() if line.strip()]
