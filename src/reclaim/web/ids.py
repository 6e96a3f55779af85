"""Database ids as the web takes them: in paths, queries, forms and JSON bodies alike.

Every id column is a signed 64-bit integer, so any id a person can send is bounded to
1..2**63-1 here, once. A larger number is a 422 with the field named (never an overflow in
the database driver, a 500); a route or model that takes an id uses :data:`DbId`.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import Field

__all__ = ["MAX_DB_ID", "DbId", "PublicId"]

MAX_DB_ID: Final = 2**63 - 1

DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]

#: A report's unguessable id in staff URLs (``secrets.token_urlsafe(16)``: 22 characters).
#: Bounded so a 16 KiB path never reaches a query or a log; a short or unknown one is a 404
#: (after sign-in is checked), so nothing here tells a guesser what a real id looks like.
PublicId = Annotated[str, Field(max_length=64)]
