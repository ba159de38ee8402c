"""What widgets send to the browser: a count of the bytes, to keep the editor light."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import comm
from comm.base_comm import BaseComm


@dataclass
class Sent:
    """Bytes sent through widget comms while counting: JSON state, binary buffers, and how many messages."""

    json_bytes: int = 0
    buffer_bytes: int = 0
    messages: int = 0
    largest: list[tuple[int, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.json_bytes + self.buffer_bytes

    def __repr__(self) -> str:
        return f"<{self.messages} messages, {self.total / 1e6:.2f} MB ({self.buffer_bytes / 1e6:.2f} MB binary)>"


class _CountingComm(BaseComm):
    sent: Sent

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys) -> None:
        size = len(json.dumps(data or {}, default=str).encode("utf-8"))
        binary = sum(memoryview(b).nbytes for b in buffers or ())
        self.sent.json_bytes += size
        self.sent.buffer_bytes += binary
        self.sent.messages += 1
        model = (data or {}).get("state", {}).get("_model_name", msg_type) if isinstance(data, dict) else msg_type
        self.sent.largest = sorted([*self.sent.largest, (size + binary, str(model))], reverse=True)[:5]


@contextmanager
def count_sent() -> Iterator[Sent]:
    """Count what widgets made or changed inside the block would send to the browser (no kernel needed)."""
    sent = Sent()
    previous = comm.create_comm

    def create(**kwargs) -> BaseComm:
        c = _CountingComm(**kwargs)
        return c

    _CountingComm.sent = sent
    comm.create_comm = create
    try:
        yield sent
    finally:
        comm.create_comm = previous
