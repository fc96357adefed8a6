"""A small progress bar for long management commands (no dependency, no Django import)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Draws ``[#####.....]  45%  1017/2259  12s left`` on a terminal; on a pipe or in CI it
    prints one line every 5% instead, so logs stay readable."""

    def __init__(self, total: int, *, label: str = "", stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_step = -1

    def advance(self, note: str = "", *, by: int = 1) -> None:
        self.done += by
        fraction = self.done / self.total
        elapsed = time.monotonic() - self.started
        left = elapsed / fraction - elapsed if fraction else 0.0
        line = (
            f"{self.label}[{'#' * int(fraction * 30):<30}] {fraction:4.0%} "
            f"{self.done}/{self.total} {left:4.0f}s left {note}"
        )
        if self.tty:
            self.stream.write("\r" + line[:120].ljust(120))
            if self.done >= self.total:
                self.stream.write("\n")
        else:
            step = int(fraction * 20)
            if step != self._last_step or self.done >= self.total:
                self._last_step = step
                self.stream.write(line.rstrip() + "\n")
        self.stream.flush()
