"""The limits a caller sets on one parse: how many paragraphs, how many seconds.

The parser has no limits of its own (it is a pure function of its input); the application passes its
bounds in (``mandates.documents.importing`` reads them from ``ssrtracker.limits``). The main loops
call :meth:`Budget.tick`, which reads the clock: no signals and no threads, so a parse can be
stopped inside a web request, a Celery task or a management command alike."""

from __future__ import annotations

import time
from collections.abc import Callable

from .model import ParseError


class LimitExceeded(ParseError):
    """The text is over a limit the caller set: too many paragraphs, or too long to parse."""


class Budget:
    """What one parse may still spend. ``None`` means no limit."""

    __slots__ = ("_clock", "_deadline", "max_paragraphs", "seconds")

    def __init__(
        self,
        *,
        max_paragraphs: int | None = None,
        seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_paragraphs = max_paragraphs
        self.seconds = seconds
        self._clock = clock
        self._deadline = clock() + seconds if seconds is not None else None

    def tick(self) -> None:
        """Raise :class:`LimitExceeded` once the parse has run longer than ``seconds``."""
        if self._deadline is not None and self._clock() > self._deadline:
            raise LimitExceeded(
                f"Parsing took longer than {self.seconds:g} seconds (the limit) and was "
                "stopped: the text is too long or too irregular."
            )

    def count_paragraphs(self, count: int) -> None:
        """Raise :class:`LimitExceeded` when ``count`` paragraphs are more than allowed."""
        if self.max_paragraphs is not None and count > self.max_paragraphs:
            raise LimitExceeded(
                f"The text has more than {self.max_paragraphs} paragraphs (the limit); "
                "split it or check that it is one document."
            )


UNLIMITED = Budget()
