"""Storage: the database engine, sessions, field encryption and migrations."""

from sqlalchemy.orm import Session

from reclaim.storage.base import Base, utcnow
from reclaim.storage.database import Database, DatabaseBusy

#: ``Session`` is one transaction (``with database.session() as session``); ``Database`` is the
#: engine and its session factories, one per process. Routes name both types from here.
__all__ = ["Base", "Database", "DatabaseBusy", "Session", "utcnow"]
