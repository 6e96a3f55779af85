"""Imports every table so that the metadata is complete (for migrations and tests)."""

from reclaim.accounts import models as _accounts
from reclaim.audit import models as _audit
from reclaim.bank import models as _bank
from reclaim.cases import models as _cases
from reclaim.notify import models as _notify
from reclaim.reports import models as _reports
from reclaim.storage import instance as _instance
from reclaim.storage.base import Base
from reclaim.takedown import models as _takedown

metadata = Base.metadata

__all__ = [
    "_accounts",
    "_audit",
    "_bank",
    "_cases",
    "_instance",
    "_notify",
    "_reports",
    "_takedown",
    "metadata",
]
