"""An SMTP server on localhost that records each message's Message-ID (aiosmtpd)."""

import asyncio
import email
import socket
import threading
import time

from aiosmtpd.controller import Controller


class SmtpSink:
    """Accept mail on a free port; ``refuse`` answers that many messages with 451 first."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.refuse = 0
        self.delay = 0.0
        self._ids: list[str] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 Try again later"
            self._ids.append(email.message_from_bytes(envelope.content)["Message-ID"])
        return "250 OK"

    def start(self):
        self._controller.start()

    def stop(self):
        self._controller.stop()

    def message_ids(self) -> list[str]:
        with self._lock:
            return list(self._ids)

    def count(self) -> int:
        return len(self.message_ids())

    def distinct(self) -> int:
        return len(set(self.message_ids()))

    def wait_for(self, count: int, *, timeout: float) -> bool:
        """Wait until ``count`` messages have arrived; return whether they did in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                return True
            time.sleep(0.01)
        return False
