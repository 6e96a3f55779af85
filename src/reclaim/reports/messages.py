"""Messages a young person reads, marked for the public site's catalogues (no imports: any
module of the context may use it, the light ones too).

Context code cannot translate (the language is the web layer's); it marks its words with
:func:`N_` and raises :class:`KindError` subclasses that keep the message and its values
apart, so the web layer shows them in the request's language (``reclaim.web.i18n.words_of``).
"""

from __future__ import annotations

__all__ = ["N_", "KindError"]


def N_(message: str) -> str:  # noqa: N802  (the conventional name for "mark, do not translate")
    """Mark a message for the catalogues; it is translated where it is shown."""
    return message


class KindError(ValueError):
    """A refusal in kind, plain words: ``message`` is a catalogue message (``%(name)s``
    placeholders filled from ``values``); ``str()`` is the English sentence."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values
