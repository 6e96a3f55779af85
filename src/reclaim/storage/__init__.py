"""Storage: the database engine, sessions, field encryption and migrations."""

from reclaim.storage.base import Base, utcnow
from reclaim.storage.database import Database

__all__ = ["Base", "Database", "utcnow"]
