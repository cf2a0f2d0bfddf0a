"""Settings every test file shares."""
from __future__ import annotations

import signal


def pytest_configure(config) -> None:
    # The Ctrl-C tests (test_atomic_outputs.py, test_errors.py) test what a user at a terminal gets.
    # A shell starting the suite in the background (`make test &`, nohup, some CI runners) hands it
    # SIGINT ignored, and an ignored signal stays ignored across exec: Python then installs no
    # KeyboardInterrupt handler, in this process or in the commands the tests start, and every
    # Ctrl-C test fails although the code is right. A handler (unlike SIG_IGN) is reset to the
    # default at exec, so installing Python's own here gives the commands a terminal's disposition.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
