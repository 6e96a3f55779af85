"""The initial review, in the order the guidance gives it (pure: no database, no web).

Sources: "What to do if you are worried a child or young person has shared an image online"
(the seed in shared/seeds) and the UKCIS advice "Sharing nudes and semi-nudes" (2020, updated
2024): support the child; Childline and Report Remove; gather where the image is and who has
it; the five reasons for an immediate referral to the police and/or children's social care;
tell parents unless that puts the child at risk (record why not); secure devices without
copying anything; record every decision with its rationale, "no further action" included.

A "yes" (or "not sure", as for young people's own reports) to any of the five questions makes
the case urgent. Nothing here scores, grades or levels anyone's risk: the questions only route
the case to people (NICE NG225).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reclaim.cases.wording import DECISIONS

YES_NO = {"yes": "Yes", "no": "No", "not_sure": "Not sure (treated as yes)"}
#: Answers to the five questions that call for a referral now.
REFER_NOW = frozenset({"yes", "not_sure"})

NEVER_VIEW = (
    "Never view, copy, print, share, store or save the image, and do not ask anyone to show "
    "or send it to you, even to the police: it is an indecent image of a child. Record where "
    "it is (the web address, the app and the account), never the image itself."
)

DEVICE_HANDLING = (
    "If a phone, tablet or computer holds the image: do not look through it, copy, forward, "
    "screenshot or print anything on it. Switch it off or lock it away, note who holds it and "
    "where, and hand it to the police if they ask for it."
)

URGENT_TASK = "Refer to the police and/or children's social care now"


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    title: str
    guidance: tuple[str, ...]
    answers: Mapping[str, str]
    #: Answers that need a note saying why (a reason, a rationale).
    explain: frozenset[str] = frozenset()
    #: Answers that need who did it and when.
    who_and_when: frozenset[str] = frozenset()
    #: One of the five immediate-referral questions.
    referral_question: bool = False
    #: Local pathways (reclaim.cases.wording.PATHWAYS keys) worth showing at this step.
    pathways: tuple[str, ...] = ()
    help_numbers: tuple[str, ...] = field(default_factory=tuple)


def _question(key: str, title: str, hint: str, pathways: tuple[str, ...]) -> Step:
    return Step(
        key,
        title,
        (hint,),
        YES_NO,
        referral_question=True,
        pathways=pathways,
    )


REFERRAL_PATHWAYS = ("police", "social_care")

STEPS: tuple[Step, ...] = (
    Step(
        "supported",
        "Support the child",
        (
            "Stay calm: do not overreact or get angry, and never blame them.",
            "Thank them for telling you. Explain calmly what happens next: there are steps you "
            "can take together to ask for the image to be removed.",
        ),
        {"done": "Done: supported, thanked and told what happens next", "later": "Not yet"},
        explain=frozenset({"later"}),
        pathways=("dsl", "deputy"),
    ),
    Step(
        "childline",
        "Suggest Childline and Report Remove",
        (
            "Childline (0800 1111, for under 18s) can explain what happens and support them. "
            "Report Remove, from Childline and the Internet Watch Foundation, lets a young "
            "person ask for their own image to be removed.",
            "Adults can talk to the NSPCC helpline (0808 800 5000).",
        ),
        {"done": "Suggested", "not_suggested": "Not suggested"},
        explain=frozenset({"not_suggested"}),
    ),
    Step(
        "places",
        "Where the image is and who has received it",
        (
            "Write down every place you know of: web addresses, apps and accounts, group chats, "
            "devices, and people who have it. Save the web address, never the image.",
        ),
        {
            "recorded": "What is known is in the register of places",
            "none_known": "Nothing known yet",
        },
        explain=frozenset({"none_known"}),
    ),
    _question(
        "adult",
        "Is an adult involved?",
        "Any adult: the person who asked for it, sent it, received it or shared it.",
        REFERRAL_PATHWAYS,
    ),
    _question(
        "coercion",
        "Is there coercion, blackmail or grooming, or a concern about capacity to consent?",
        "For example threats to share the image unless more are sent or money is paid "
        "(sextortion), or special educational needs that affect consent.",
        REFERRAL_PATHWAYS,
    ),
    _question(
        "unusual",
        "Are the acts unusual for the young person's development, or violent?",
        "Go by what you have been told. Do not look at the image to find out.",
        REFERRAL_PATHWAYS,
    ),
    _question(
        "under13",
        "Does it involve sexual acts, and is any child involved under 13?",
        "Go by what you have been told. Do not look at the image to find out.",
        REFERRAL_PATHWAYS,
    ),
    _question(
        "immediate",
        "Is a young person at immediate risk of harm?",
        "For example, they are talking about suicide or are self-harming. If so, call 999 now "
        "and stay with them.",
        ("police", "social_care", "camhs", "gp"),
    ),
    Step(
        "parents",
        "Tell parents or carers",
        (
            "Tell parents or carers early, unless doing so would put the child at risk of harm. "
            "If you do not tell them, record the reason.",
        ),
        {"told": "Told", "not_told": "Not told", "later": "Not yet: planned"},
        explain=frozenset({"not_told", "later"}),
        who_and_when=frozenset({"told"}),
    ),
    Step(
        "devices",
        "Devices",
        (DEVICE_HANDLING,),
        {
            "none": "No device is held by staff",
            "secured": "A device is secured",
            "police": "A device was handed to the police",
        },
        explain=frozenset({"secured", "police"}),
        pathways=("police",),
    ),
    Step(
        "decision",
        "Decision and rationale",
        (
            'Record the decision and why, whatever it is, "no further action" included. '
            "Record each later decision here too.",
        ),
        DECISIONS,
        explain=frozenset(DECISIONS),
        pathways=("social_care", "police"),
    ),
)

BY_KEY: dict[str, Step] = {step.key: step for step in STEPS}
REFERRAL_QUESTIONS = tuple(step.key for step in STEPS if step.referral_question)


def calls_for_referral(step_key: str, answer: str) -> bool:
    """Whether this answer is one of the five reasons to refer now."""
    step = BY_KEY.get(step_key)
    return step is not None and step.referral_question and answer in REFER_NOW


def immediate_danger(latest: Mapping[str, str]) -> bool:
    """Someone may be at immediate risk of harm: 999 goes on the page."""
    return latest.get("immediate") in REFER_NOW


def referral_reasons(latest: Mapping[str, str]) -> list[str]:
    """The questions whose newest answer calls for a referral, in the guidance's order."""
    return [BY_KEY[key].title for key in REFERRAL_QUESTIONS if latest.get(key) in REFER_NOW]
