"""Thread-local autograd state (recording / training), read on every op call."""
from __future__ import annotations

import threading


class _State(threading.local):
    recording = False
    training = False


STATE = _State()
