"""Figures: time to first action and time to removal, per host and per platform."""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.takedown.models import Place

__all__ = ["FigureRow", "Figures", "figures", "figures_csv"]


@dataclass(frozen=True, slots=True)
class FigureRow:
    group: str  # a registered domain, or a platform's name
    places: int
    acted_on: int
    median_first_action_hours: float | None
    removed: int
    median_removal_hours: float | None


@dataclass(frozen=True, slots=True)
class Figures:
    by_host: list[FigureRow]
    by_platform: list[FigureRow]
    total: FigureRow


def _hours(seconds: list[float]) -> float | None:
    return round(statistics.median(seconds) / 3600, 2) if seconds else None


def _row(group: str, places: list[Place]) -> FigureRow:
    first = [
        (p.first_action_at - p.reported_at).total_seconds()
        for p in places
        if p.first_action_at is not None
    ]
    removal = [
        (p.removed_at - p.reported_at).total_seconds() for p in places if p.removed_at is not None
    ]
    return FigureRow(group, len(places), len(first), _hours(first), len(removal), _hours(removal))


def figures(session: Session, organisation_id: int) -> Figures:
    """Medians, in hours, over the organisation's places (erased ones included: the time
    taken is not personal)."""
    places = list(session.scalars(select(Place).where(Place.organisation_id == organisation_id)))
    hosts: dict[str, list[Place]] = {}
    platforms: dict[str, list[Place]] = {}
    for place in places:
        hosts.setdefault(place.registered_domain, []).append(place)
        platforms.setdefault(place.platform or "other hosts", []).append(place)
    return Figures(
        by_host=[_row(k, v) for k, v in sorted(hosts.items())],
        by_platform=[_row(k, v) for k, v in sorted(platforms.items())],
        total=_row("all", places),
    )


def figures_csv(result: Figures) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "by",
            "group",
            "places",
            "acted_on",
            "median_first_action_hours",
            "removed",
            "median_removal_hours",
        ]
    )
    for by, rows in (("host", result.by_host), ("platform", result.by_platform)):
        for r in rows:
            writer.writerow(
                [
                    by,
                    r.group,
                    r.places,
                    r.acted_on,
                    "" if r.median_first_action_hours is None else r.median_first_action_hours,
                    r.removed,
                    "" if r.median_removal_hours is None else r.median_removal_hours,
                ]
            )
    yield buffer.getvalue()
