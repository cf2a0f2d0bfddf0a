"""Progress of a long command on stderr (issue 17), through tqdm rather than a hand-written bar.

A long loop of the library (a plan's member sheets, a set of reports) takes an optional
``progress(done, total)`` callback (:data:`Callback`): called with 0 before its first item and
after each one. :class:`Steps` shows a command's steps and those loops:

- on a terminal, a tqdm bar for the steps and, while a step runs a long loop, a second bar under
  it for the loop's items, both redrawn in place;
- anywhere else (a pipe, a file, a CI log) one plain line per step, ``[3/7] estimating the
  indicators``, and one per loop when it starts, ``[6/7] planning the outreach: member sheets, 40``:
  no carriage return, no cursor movement, nothing per item, and no times, so the same run writes
  the same lines.

Nothing is written to stdout: a command's results stay there alone.
"""
from __future__ import annotations

import os
import sys
from typing import Any, Callable

#: ``progress(done, total)``: called with 0 before a loop's first item and after each item
Callback = Callable[[int, int], None]

# the bars' layouts (tqdm's bar_format): the step bar's fill counts the steps done, its label is
# the step running; the items bar shows the rate's estimate of the time left
_STEPS = "{desc} |{bar:20}| {elapsed}"
_ITEMS = "  {desc} {n_fmt}/{total_fmt} |{bar:20}| {elapsed}<{remaining}"
_PHASE = "  {desc}"  # tqdm redraws on updates only: no clock for a part without any


def is_terminal(stream: Any) -> bool:
    """Whether ``stream`` is a terminal (a closed or fd-less stream is not)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class Steps:
    """``total`` steps shown on ``stream`` (default stderr): :meth:`begin` each step, :meth:`end` it,
    :meth:`items` for a callback showing a long loop inside it, :meth:`phase` for a part that has
    no count (one external run), :meth:`close` at the end (also after an error: it ends the bars'
    line so that a message after it starts on its own)."""

    def __init__(self, total: int, stream: Any = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.total, self.done, self.label = total, 0, ""
        self.terminal = is_terminal(self.stream)
        self._bar: Any = None
        self._inner: Any = None

    def _tqdm(self, **kwargs: Any) -> Any:
        from tqdm import tqdm

        # a terminal that reports no size (a pty nobody sized: some containers, editors' shells)
        # gets nothing from tqdm (it takes 0 columns and -1 rows): 80 × 24 there, the terminal's
        # own size, followed as it changes, elsewhere
        try:
            size = os.get_terminal_size(self.stream.fileno())
            sized = size.columns > 0 and size.lines > 0
        except (AttributeError, ValueError, OSError):
            sized = False
        if sized:
            return tqdm(file=self.stream, dynamic_ncols=True, **kwargs)
        return tqdm(file=self.stream, ncols=80, nrows=24, **kwargs)

    def _head(self) -> str:
        return f"[{self.done + 1}/{self.total}] {self.label}"

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def _close_inner(self) -> None:
        if self._inner is not None:
            self._inner.close()
            self._inner = None

    def begin(self, label: str) -> None:
        """Step ``done + 1`` starts."""
        self._close_inner()
        self.label = label
        if not self.terminal:
            self._line(self._head())
        elif self._bar is None:  # made at the first step: drawn with its label, never without
            self._bar = self._tqdm(total=self.total, desc=self._head(), bar_format=_STEPS, leave=True)
        else:
            self._bar.set_description_str(self._head(), refresh=True)

    def end(self) -> None:
        """The step that began last has ended (run, failed or skipped)."""
        self._close_inner()
        self.done += 1
        if self._bar is not None:
            self._bar.update(1)

    def items(self, what: str) -> Callback:
        """A :data:`Callback` for a loop of the current step over ``what`` (e.g. "member sheets")."""

        def update(done: int, total: int) -> None:
            if done == 0:  # a loop starts (again: a second loop through the same callback)
                self._close_inner()
                if self.terminal:
                    self._inner = self._tqdm(total=total, desc=what, bar_format=_ITEMS, position=1, leave=False)
                else:
                    self._line(f"{self._head()}: {what}, {total}")
            elif self._inner is not None:
                self._inner.update(done - self._inner.n)

        return update

    def phase(self, what: str) -> None:
        """A part of the current step with no count (one LibreOffice run): its name."""
        self._close_inner()
        if self.terminal:
            self._inner = self._tqdm(total=None, desc=what, bar_format=_PHASE, position=1, leave=False)
        else:
            self._line(f"{self._head()}: {what}")

    def close(self) -> None:
        self._close_inner()
        if self._bar is not None:
            self._bar.close()
            self._bar = None
