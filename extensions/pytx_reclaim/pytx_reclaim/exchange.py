"""The ``reclaim`` SignalExchangeAPI: Reclaim's delta feed, checkpoints, tombstones, feedback.

Records are keyed by Reclaim's item id, so a withdrawal (a record with ``deleted: true``)
removes exactly that item's signals, even when another item shares a hash. Opinions given with
``threatexchange label`` (or HMA's feedback) become Reclaim feedback: a positive verdict is
``Blocked``, a negative one ``NotBlocked``, an investigation ``PendingReview``; the labels are
sent as tags.
"""

# No `from __future__ import annotations`: pytx's CLI reads the config dataclass's field
# types at runtime to build its options.
import time
import typing as t
from dataclasses import dataclass, field

import requests
from threatexchange.exchanges import auth, signal_exchange_api
from threatexchange.exchanges import fetch_state as state
from threatexchange.exchanges.collab_config import CollaborationConfigWithDefaults
from threatexchange.signal_type.signal_base import SignalType

PAGE = 1000
TIMEOUT = 60
#: Reclaim's signal types -> pytx's signal type names (vpdq needs pytx's vpdq extension).
SIGNAL_NAMES = {"pdq": "pdq", "md5": "video_md5", "vpdq": "vpdq"}
FEEDBACK = {
    state.SignalOpinionCategory.POSITIVE_CLASS: "Blocked",
    state.SignalOpinionCategory.NEGATIVE_CLASS: "NotBlocked",
    state.SignalOpinionCategory.INVESTIGATION_SEED: "PendingReview",
}


@dataclass
class ReclaimCollabConfig(CollaborationConfigWithDefaults):
    url: str = field(
        default="",
        metadata={"help": "Your Reclaim server, e.g. https://reclaim.example.org"},
    )
    lists: set[str] = field(
        default_factory=set,
        metadata={"help": "Only these lists (comma-separated); empty: every list."},
    )


@dataclass
class ReclaimCredentials(auth.CredentialHelper):
    ENV_VARIABLE: t.ClassVar[str] = "RECLAIM_API_KEY"
    FILE_NAME: t.ClassVar[str] = "~/.reclaim_api_key"

    api_key: str

    @classmethod
    def _from_str(cls, s: str) -> "ReclaimCredentials":
        return cls(s.strip())

    def _are_valid(self) -> bool:
        return self.api_key.startswith("rk_")


@dataclass
class ReclaimCheckpoint(state.FetchCheckpointBase):
    """The feed's ``next_checkpoint`` and when it was fetched."""

    checkpoint: str
    fetched_at: int

    def is_stale(self) -> bool:
        return False  # the feed can always be resumed from its checkpoint

    def get_progress_timestamp(self) -> int | None:
        return self.fetched_at


@dataclass
class ReclaimItem(state.FetchedSignalMetadata):
    """One active content item of a Reclaim list."""

    item_id: int
    list_name: str
    categories: list[str]
    signals: list[tuple[str, str]]  # (reclaim type, value)

    def get_as_opinions(self) -> t.Sequence[state.SignalOpinion]:
        tags = {f"list:{self.list_name}", *self.categories}
        return [state.SignalOpinion(False, state.SignalOpinionCategory.POSITIVE_CLASS, tags)]

    def __str__(self) -> str:
        return f"reclaim item {self.item_id} (list {self.list_name})"


class ReclaimSignalExchangeAPI(
    auth.SignalExchangeWithAuth[ReclaimCollabConfig, ReclaimCredentials],
    signal_exchange_api.SignalExchangeAPI[
        ReclaimCollabConfig, ReclaimCheckpoint, ReclaimItem, int, ReclaimItem
    ],
):
    def __init__(self, collab: ReclaimCollabConfig, api_key: str) -> None:
        super().__init__()
        if not collab.url.startswith(("http://", "https://")):
            raise ValueError("the collab's --url must start with https:// (or http://)")
        self.collab = collab
        self.base = collab.url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {api_key}"
        self.session.headers["User-Agent"] = "pytx-reclaim/0.1"

    @staticmethod
    def get_config_cls() -> type[ReclaimCollabConfig]:
        return ReclaimCollabConfig

    @staticmethod
    def get_checkpoint_cls() -> type[ReclaimCheckpoint]:
        return ReclaimCheckpoint

    @staticmethod
    def get_record_cls() -> type[ReclaimItem]:
        return ReclaimItem

    @staticmethod
    def get_credential_cls() -> type[ReclaimCredentials]:
        return ReclaimCredentials

    @classmethod
    def get_name(cls) -> str:
        return "reclaim"

    @classmethod
    def for_collab(
        cls,
        collab: ReclaimCollabConfig,
        credentials: ReclaimCredentials | None = None,
    ) -> "ReclaimSignalExchangeAPI":
        credentials = credentials or ReclaimCredentials.get(cls)
        return cls(collab, credentials.api_key)

    def _call(self, method: str, path: str, **kwargs: t.Any) -> t.Any:
        response = self.session.request(method, f"{self.base}{path}", timeout=TIMEOUT, **kwargs)
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", "")
            except ValueError:
                detail = response.text[:200]
            raise RuntimeError(f"Reclaim {method} {path}: HTTP {response.status_code} {detail}")
        return response.json()

    def fetch_iter(
        self,
        supported_signal_types: t.Sequence[type[SignalType]],
        checkpoint: ReclaimCheckpoint | None,
    ) -> t.Iterator[state.FetchDelta[int, ReclaimItem, ReclaimCheckpoint]]:
        position = checkpoint.checkpoint if checkpoint else ""
        while True:
            params: dict[str, t.Any] = {"limit": PAGE}
            if position:
                params["checkpoint"] = position
            page = self._call("GET", "/api/v1/hashes", params=params)
            updates: dict[int, ReclaimItem | None] = {}
            for record in page["records"]:
                item_id = int(record["item_id"])
                wanted = not self.collab.lists or record["list_name"] in self.collab.lists
                if record["deleted"] or not wanted:
                    updates[item_id] = None  # a tombstone: forget this item's signals
                    continue
                updates[item_id] = ReclaimItem(
                    item_id,
                    record["list_name"],
                    list(record["categories"]),
                    [(s["type"], s["value"]) for s in record["signals"]],
                )
            position = page["next_checkpoint"]
            yield state.FetchDelta(updates, ReclaimCheckpoint(position, int(time.time())))
            if not page["has_more"]:
                return

    @classmethod
    def naive_convert_to_signal_type(
        cls,
        signal_types: t.Sequence[type[SignalType]],
        collab: ReclaimCollabConfig,
        fetched: t.Mapping[int, ReclaimItem],
    ) -> dict[type[SignalType], dict[str, ReclaimItem]]:
        by_name = {s.get_name(): s for s in signal_types}
        out: dict[type[SignalType], dict[str, ReclaimItem]] = {}
        for item in fetched.values():
            for kind, value in item.signals:
                s_type = by_name.get(SIGNAL_NAMES.get(kind, ""))
                if s_type is None:
                    continue
                try:
                    signal = s_type.validate_signal_str(value)
                except ValueError:
                    continue
                out.setdefault(s_type, {})[signal] = item
        return out

    def report_opinion(
        self,
        s_type: type[SignalType],
        signal: str,
        opinion: state.SignalOpinion,
    ) -> None:
        """Feedback on every Reclaim item holding this exact signal."""
        kind = next((k for k, name in SIGNAL_NAMES.items() if name == s_type.get_name()), None)
        if kind is None:
            raise NotImplementedError(f"Reclaim takes no feedback on {s_type.get_name()}")
        answer = self._call(
            "POST", "/api/v1/match", json={"signals": [{"type": kind, "value": signal}]}
        )
        items = sorted(
            {m["item_id"] for m in answer["results"][0]["matches"] if m["distance"] == 0}
        )
        if not items:
            raise ValueError("no item on Reclaim's lists has this signal")
        status = FEEDBACK[opinion.category]
        tags = sorted(opinion.tags)[:20]
        self._call(
            "POST",
            "/api/v1/feedback",
            json={"feedback": [{"item_id": i, "status": status, "tags": tags} for i in items]},
        )
