"""The takedown context on both databases: one place per canonical URL with many sources,
the status machine (a stateful property test), erasure, the member list, notices, escalation
and figures. Clocks are injected; nothing is fetched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation
from reclaim.audit.models import AuditEvent
from reclaim.notify import Notifier, ReportOutbox
from reclaim.notify.mail import MailError
from reclaim.reports import AgeGroup, NewReport, create_report, erase, status_of
from reclaim.reports.models import ReportUrl
from reclaim.storage.database import Database
from reclaim.takedown import (
    Channel,
    Clocks,
    PlaceStatus,
    QueueFilters,
    SourceKind,
    TransitionRefused,
    Urgency,
    escalate_overdue,
    figures,
    import_csv,
    list_page,
    move,
    queue,
    record_place,
    send_notice,
)
from reclaim.takedown.models import Notice, Place, PlaceMove
from reclaim.takedown.notices import NoticeNotSent, deliver_notices
from reclaim.takedown.status import ALLOWED, LISTED, recheck_due

HASHING = PasswordHashing(Argon2Parameters(1, 8192, 1))
T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
CLOCKS = Clocks()
OUTBOX = ReportOutbox()


def _org(db: Database, name: str = "Intake Hotline") -> int:
    with db.session() as session:
        return create_organisation(session, name, "hotline").id


def test_the_same_place_from_several_reports_is_one_place(any_db: Database) -> None:
    org = _org(any_db)
    typed = [
        "https://Pics.Example.org/p/1?utm_source=x",
        "pics.example.org/p/1#top",
        "http://pics.example.org:80/p/1",  # another scheme: another place
    ]
    with any_db.session() as session:
        for i, url in enumerate(typed):
            create_report(
                session,
                HASHING,
                NewReport(
                    AgeGroup.UNDER_18 if i else AgeGroup.ADULT,
                    "GB",
                    urls=[url],
                    feels_safe="no" if i == 1 else None,
                ),
            )
    with any_db.read_session() as session:
        places = list(session.scalars(select(Place).order_by(Place.id)))
        assert [p.url for p in places] == [
            "https://pics.example.org/p/1",
            "http://pics.example.org/p/1",
        ]
        first = places[0]
        assert len(first.sources) == 2 and {s.kind for s in first.sources} == {"report"}
        assert first.organisation_id == org and first.registered_domain == "example.org"
        assert first.priority >= 1000  # the second report signalled danger: most urgent of all
        assert first.first_action_due - first.reported_at == CLOCKS.first_action_urgent
        links = list(session.scalars(select(ReportUrl.place_id).order_by(ReportUrl.id)))
        assert links == [first.id, first.id, places[1].id]


def test_sources_from_cases_and_imports_and_per_line_errors(any_db: Database) -> None:
    org = _org(any_db)
    with any_db.session() as session:
        place = record_place(
            session, org, "https://a.example.com/x", kind=SourceKind.CASE, ref="case:9"
        )
        again = record_place(
            session, org, "https://A.example.com/x", kind=SourceKind.CASE, ref="case:9"
        )
        assert again.id == place.id and len(again.sources) == 1  # the same case names it once
        text = "url,note\nhttps://a.example.com/x,seen\nnot a url,x\nhttp://10.0.0.1/,y\n\nhttps://b.example.com/y,z\n"
        result = import_csv(session, org, text)
        assert (result.recorded, result.again) == (1, 1)
        assert [
            (e.line, "does not look" in e.message or "private" in e.message) for e in result.errors
        ] == [
            (3, True),
            (4, True),
        ]
        twice = import_csv(session, org, text)
        assert (twice.recorded, twice.again, len(twice.errors)) == (0, 2, 2)
        total = session.scalar(select(func.count()).select_from(Place))
        assert total == 2  # nothing lost, nothing doubled


def test_the_queue_is_most_urgent_first_with_filters_and_pages(any_db: Database) -> None:
    org = _org(any_db)
    with any_db.session() as session:
        plain = record_place(session, org, "https://a.example.com/1", kind="import", now=T0)
        adult = record_place(
            session,
            org,
            "https://b.example.com/2",
            kind="import",
            now=T0 - timedelta(hours=5),
            urgency=Urgency(age_group="adult"),
        )
        child = record_place(
            session,
            org,
            "https://c.example.net/3",
            kind="import",
            now=T0,
            urgency=Urgency(age_group="under18"),
        )
        danger = record_place(
            session,
            org,
            "https://d.example.net/4",
            kind="import",
            now=T0 + timedelta(hours=1),
            urgency=Urgency(threatened=True, age_group="under18"),
        )
        ids = [r.id for r in queue(session, org, QueueFilters(), me=1, now=T0).rows]
        assert ids == [danger.id, child.id, adult.id, plain.id]
        only = queue(session, org, QueueFilters(domain="example.net"), me=1, now=T0).rows
        assert [r.id for r in only] == [danger.id, child.id]
        paged = queue(session, org, QueueFilters(), me=1, page=2, size=3, now=T0)
        assert (paged.total, paged.pages, [r.id for r in paged.rows]) == (4, 2, [plain.id])
        late = T0 + timedelta(hours=25)
        overdue = queue(session, org, QueueFilters(overdue=True), me=1, now=late).rows
        assert {r.id for r in overdue} == {plain.id, adult.id, child.id, danger.id}
        soon = queue(session, org, QueueFilters(overdue=True), me=1, now=T0 + timedelta(hours=4))
        assert [r.id for r in soon.rows] == [danger.id]  # 2 hours for a report of danger


def test_erasure_forgets_a_place_no_one_else_named_and_leaves_a_tombstone(any_db: Database) -> None:
    _org(any_db)
    with any_db.session() as session:
        one = create_report(
            session,
            HASHING,
            NewReport(
                AgeGroup.UNDER_18, "GB", urls=["https://x.example.com/a", "https://x.example.com/b"]
            ),
        ).report
        create_report(
            session, HASHING, NewReport(AgeGroup.UNDER_18, "GB", urls=["https://x.example.com/b"])
        )
        for place in session.scalars(select(Place)):
            move(session, place, PlaceStatus.ASSESSED, reason="in scope", news=OUTBOX)
        erase(session, one, OUTBOX)
    with any_db.read_session() as session:
        a, b = session.scalars(select(Place).order_by(Place.id)).all()
        assert a.erased_at is not None and a.url == "" and not a.listed
        assert all(m.reason == "" for m in a.moves)
        assert b.erased_at is None and len(b.sources) == 1
        feed = list_page(session, 0, 100)
        last = {r["id"]: r for r in feed.records}
        assert last[a.id]["deleted"] is True and last[a.id]["url"] is None
        assert last[b.id]["deleted"] is False


def test_the_member_list_replays_to_exactly_the_listed_places(any_db: Database) -> None:
    org = _org(any_db)
    with any_db.session() as session:
        places = [
            record_place(session, org, f"https://m{i}.example.com/p", kind="import")
            for i in range(5)
        ]
        for place in places[:4]:
            move(session, place, PlaceStatus.ASSESSED, reason="in scope", news=OUTBOX)
        move(session, places[0], PlaceStatus.REMOVED, reason="gone", news=OUTBOX)
        move(session, places[1], PlaceStatus.NOTICE_SENT, reason="form", news=OUTBOX)
        move(session, places[2], PlaceStatus.NOTICE_SENT, reason="form", news=OUTBOX)
        move(session, places[2], PlaceStatus.REMOVED, reason="gone", news=OUTBOX)
        move(session, places[2], PlaceStatus.STILL_AVAILABLE, reason="came back", news=OUTBOX)
    with any_db.read_session() as session:
        listed: dict[int, str] = {}
        checkpoint, rounds = 0, 0
        while True:
            got = list_page(session, checkpoint, 2)
            for r in got.records:
                if r["deleted"]:
                    listed.pop(r["id"], None)
                else:
                    listed[r["id"]] = r["url"]
            checkpoint, rounds = int(got.next_checkpoint), rounds + 1
            if not got.has_more:
                break
        assert rounds >= 2
        expected = {p.id for p in session.scalars(select(Place).where(Place.listed.is_(True)))}
        assert set(listed) == expected == {places[1].id, places[2].id, places[3].id}
        only = list_page(session, 0, 100, domain="example.com", platform="Facebook")
        assert only.records == []


def test_notices_by_email_through_the_outbox_and_by_form(any_db: Database) -> None:
    org = _org(any_db)
    with any_db.session() as session:
        place = record_place(session, org, "https://www.facebook.com/x", kind="import", now=T0)
        with pytest.raises(TransitionRefused, match="Assess"):
            send_notice(
                session,
                place,
                Channel.FORM,
                organisation_name="Intake",
                staff_user_id=None,
                home_country="GB",
                news=OUTBOX,
            )
        move(session, place, PlaceStatus.ASSESSED, reason="in scope", now=T0, news=OUTBOX)
        with pytest.raises(TransitionRefused, match="abuse address"):
            send_notice(
                session,
                place,
                Channel.EMAIL,
                organisation_name="Intake",
                staff_user_id=None,
                home_country="GB",
                recipient_email="nope",
                news=OUTBOX,
            )
        notice = send_notice(
            session,
            place,
            Channel.EMAIL,
            organisation_name="Intake Hotline",
            staff_user_id=None,
            home_country="GB",
            recipient_email="abuse@host.example",
            now=T0,
            news=OUTBOX,
        )
        assert place.status == "notice_sent" and notice.recipient == "Facebook"
        assert notice.deadline_at == T0 + CLOCKS.notice_deadline and notice.sent_at is None
        place_id = place.id
    transport = _Transport()
    first = deliver_notices(any_db, transport, "reclaim@hotline.example", now=T0)
    assert (first.sent, first.retrying) == (0, 1)
    later = deliver_notices(
        any_db, transport, "reclaim@hotline.example", now=T0 + timedelta(minutes=2)
    )
    sent = transport.sent
    assert later.sent == 1 and len(sent) == 1
    body = sent[0].get_content()
    assert "https://www.facebook.com/x" in body and sent[0]["To"] == "abuse@host.example"
    assert (
        deliver_notices(any_db, sent.append, "r@h.example", now=T0 + timedelta(hours=1)).sent == 0
    )
    with any_db.session() as session:
        place = session.get(Place, place_id)
        assert place is not None
        hotline = send_notice(
            session,
            place,
            Channel.HOTLINE,
            organisation_name="Intake",
            staff_user_id=None,
            home_country="GB",
            now=T0 + timedelta(hours=1),
            news=OUTBOX,
        )
        assert hotline.recipient == "NCMEC CyberTipline" and hotline.hotline_country == "US"
        assert hotline.number == 2 and hotline.sent_at is not None


class _Transport:
    """An SMTP stand-in: refuses the first message (busy), then takes them."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.calls = 0

    def __call__(self, message: EmailMessage) -> None:
        self.calls += 1
        if self.calls == 1:
            raise NoticeNotSent("smtp-451")
        self.sent.append(message)


def test_the_notifier_sends_email_notices_and_gives_up_on_a_refused_address(
    any_db: Database,
) -> None:
    """The notify context's sender delivers takedown notices (takedown never imports notify):
    a mail error becomes the takedown context's own, permanent or not."""
    org = _org(any_db)
    with any_db.session() as session:
        ids = []
        for i, address in enumerate(("abuse@host.example", "refused@host.example")):
            place = record_place(session, org, f"https://n{i}.example.com/x", kind="import", now=T0)
            move(session, place, PlaceStatus.ASSESSED, reason="in scope", now=T0, news=OUTBOX)
            ids.append(
                send_notice(
                    session,
                    place,
                    Channel.EMAIL,
                    organisation_name="Intake Hotline",
                    staff_user_id=None,
                    home_country="GB",
                    recipient_email=address,
                    now=T0,
                    news=OUTBOX,
                ).id
            )
    sent: list[EmailMessage] = []

    def transport(message: EmailMessage) -> None:
        if message["To"] == "refused@host.example":
            raise MailError("smtp-550", permanent=True)
        sent.append(message)

    delivery = Notifier(any_db, any_db.settings, transport=transport).deliver(now=T0)
    assert delivery.notices == 1 and "smtp-550" in delivery.errors
    assert [m["To"] for m in sent] == ["abuse@host.example"]
    with any_db.read_session() as session:
        good, refused = (session.get(Notice, i) for i in ids)
        assert good is not None and good.sent_at is not None
        assert refused is not None and refused.failed_at is not None
        assert refused.last_error == "smtp-550"


def test_a_notice_past_its_deadline_is_escalated_once(any_db: Database) -> None:
    org = _org(any_db)
    with any_db.session() as session:
        place = record_place(session, org, "https://e.example.com/x", kind="import", now=T0)
        move(session, place, PlaceStatus.ASSESSED, reason="in scope", now=T0, news=OUTBOX)
        send_notice(
            session,
            place,
            Channel.FORM,
            organisation_name="I",
            staff_user_id=None,
            home_country="GB",
            now=T0,
            news=OUTBOX,
        )
        assert escalate_overdue(session, org, now=T0 + timedelta(hours=47)) == []
        late = T0 + timedelta(hours=49)
        assert escalate_overdue(session, org, now=late) == [place.id]
        assert escalate_overdue(session, org, now=late) == []
        assert queue(session, org, QueueFilters(overdue=True), me=1, now=late).total == 1
        events = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "system:place:escalated")
        )
        assert events == 1


def test_figures_per_host_and_platform(any_db: Database) -> None:
    org = _org(any_db)
    with any_db.session() as session:
        for i, host in enumerate(["www.facebook.com", "www.facebook.com", "f.example.org"]):
            place = record_place(session, org, f"https://{host}/{i}", kind="import", now=T0)
            move(
                session,
                place,
                PlaceStatus.ASSESSED,
                reason="in",
                now=T0 + timedelta(hours=2 * (i + 1)),
                news=OUTBOX,
            )
            move(
                session,
                place,
                PlaceStatus.REMOVED,
                reason="gone",
                now=T0 + timedelta(hours=10 * (i + 1)),
                news=OUTBOX,
            )
        result = figures(session, org)
    by_platform = {r.group: r for r in result.by_platform}
    assert (
        by_platform["Facebook"].places == 2
        and by_platform["Facebook"].median_first_action_hours == 3.0
    )
    assert by_platform["Facebook"].median_removal_hours == 15.0
    assert by_platform["other hosts"].median_removal_hours == 30.0
    assert {r.group for r in result.by_host} == {"facebook.com", "example.org"}
    assert result.total.removed == 3


# The status machine, stateful --------------------------------------------------------------


class PlaceMachine(RuleBasedStateMachine):
    """Random moves (allowed and not) on a real place: refused moves change nothing; allowed
    ones are recorded with who and why; listed, removed and re-check follow the status."""

    db: Database

    @initialize()
    def start(self) -> None:
        self.now = T0
        with self.db.read_session() as session:
            org = session.scalar(select(func.min(Place.organisation_id)))
        org = org or _org(self.db)
        self.count = getattr(PlaceMachine, "_n", 0) + 1
        PlaceMachine._n = self.count  # type: ignore[attr-defined]
        with self.db.session() as session:
            url = f"https://s{self.count}.example.com/p"
            self.place_id = record_place(session, org, url, kind="import", now=self.now).id
        self.expected = PlaceStatus.REPORTED
        self.moves = 0
        self.seq = 0

    @rule(
        to=st.sampled_from(list(PlaceStatus)),
        reason=st.sampled_from(["", "why"]),
        hours=st.integers(0, 100),
    )
    def step(self, to: PlaceStatus, reason: str, hours: int) -> None:
        self.now += timedelta(hours=hours)
        allowed = to in ALLOWED[self.expected] and reason and to is not PlaceStatus.DUPLICATE
        with self.db.session() as session:
            place = session.get(Place, self.place_id)
            assert place is not None
            try:
                move(session, place, to, reason=reason, clocks=CLOCKS, now=self.now, news=OUTBOX)
            except TransitionRefused:
                assert not allowed
                session.rollback()
                return
        assert allowed
        self.expected, self.moves = to, self.moves + 1
        self.moved_at = self.now

    @invariant()
    def agrees(self) -> None:
        with self.db.read_session() as session:
            place = session.get(Place, self.place_id)
            assert place is not None
            assert place.status == self.expected.value
            assert place.listed == (self.expected in LISTED)
            assert (place.removed_at is not None) == (self.expected is PlaceStatus.REMOVED)
            assert (place.first_action_at is not None) == (self.moves > 0)
            moves = list(
                session.scalars(
                    select(PlaceMove)
                    .where(PlaceMove.place_id == self.place_id)
                    .order_by(PlaceMove.id)
                )
            )
            assert len(moves) == self.moves
            chain = [PlaceStatus.REPORTED.value] + [m.to_status for m in moves]
            assert all(m.from_status == chain[i] for i, m in enumerate(moves))
            assert all(m.reason for m in moves)
            if self.moves:
                assert place.recheck_due == recheck_due(self.expected, self.moved_at, CLOCKS)
            seq = place.list_seq or 0
            assert seq >= self.seq
            self.seq = seq


def test_the_status_machine_holds_under_random_moves(db: Database) -> None:
    PlaceMachine.db = db
    runner = PlaceMachine.TestCase
    runner.settings = settings(
        max_examples=25,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    runner().runTest()


def test_a_young_person_sees_each_link_in_plain_words(any_db: Database) -> None:
    _org(any_db)
    with any_db.session() as session:
        report = create_report(
            session,
            HASHING,
            NewReport(
                AgeGroup.UNDER_18, "GB", urls=["https://y.example.com/1", "https://y.example.com/2"]
            ),
        ).report
        first, second = (session.get(Place, u.place_id) for u in report.urls)
        assert first is not None and second is not None
        move(session, first, PlaceStatus.ASSESSED, reason="in", news=OUTBOX)
        move(session, first, PlaceStatus.REMOVED, reason="gone", news=OUTBOX)
        move(
            session,
            second,
            PlaceStatus.DUPLICATE,
            reason="same",
            duplicate_of=first.id,
            news=OUTBOX,
        )
        words = [(u.status, u.words) for u in status_of(session, report).urls]
    assert words == [
        ("removed", "The website took it down."),
        ("removed", "The website took it down."),  # a duplicate reads where its place stands
    ]
