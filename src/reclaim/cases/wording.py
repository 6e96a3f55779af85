"""The words staff read on case pages and in exports, for each stored value (pure)."""

from __future__ import annotations

SOURCES = {
    "disclosure": "A disclosure in person",
    "colleague": "A colleague's concern",
    "parent": "A parent or carer",
    "agency": "Another agency",
    "report": "A young person's report",
}

ROLES = {
    "pictured": "Pictured",
    "sent": "Sent it",
    "received": "Received it",
    "shared": "Shared it on",
    "other": "Other",
}

PLACE_KINDS = {
    "url": "Web address (URL)",
    "app": "App and handle",
    "group": "Group chat",
    "device": "Device",
    "person": "Person who has it",
}

PLACE_STATUSES = {
    "there": "Still there, as far as we know",
    "asked": "Removal asked for",
    "removed": "Removed",
    "secured": "Device secured",
    "unknown": "Not known",
}

AGENCIES = {
    "ceop": "CEOP (online abuse and grooming)",
    "police101": "Police (101, log or crime reference)",
    "police999": "Police (999)",
    "social_care": "Children's social care",
    "iwf": "Internet Watch Foundation (IWF)",
    "report_remove": "Report Remove via Childline",
    "gp_camhs": "GP or CAMHS",
    "nspcc": "NSPCC",
    "platform": "The platform",
    "other": "Other",
}

#: What each local pathway is, in the order the settings page lists them.
PATHWAYS = {
    "dsl": "Designated Safeguarding Lead",
    "deputy": "Deputy DSL",
    "police": "Local police contact",
    "social_care": "Children's social care front door",
    "camhs": "CAMHS or school nurse",
    "gp": "GP practice",
}

ENTRY_KINDS = {
    "note": "Note",
    "step": "Review step",
    "decision": "Decision",
    "referral": "Referral",
    "status": "Status",
    "place": "Place",
    "child": "Child",
    "task": "Task",
    "report": "Linked report",
    "correction": "Correction",
    "plan": "Safety plan",
    "agency": "Multi-agency plan",
}

DECISIONS = {
    "refer": "Refer to police and/or children's social care",
    "support": "Manage in school with support, no referral now",
    "nfa": "No further action",
    "other": "Other decision",
}


def child_label(index: int) -> str:
    """ "A", "B", ... "Z", "AA", "AB" ... for the first, second ... child of a case."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label
