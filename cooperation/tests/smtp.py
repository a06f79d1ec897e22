"""A real SMTP server on loopback for the tests that send e-mail (aiosmtpd, in a thread): it
records what it accepted, and can hold a message in DATA or refuse one, to stand for a server or
a connection that fails in the middle of a batch."""

import asyncio
import email
import socket
import threading
from collections import Counter

WAIT = 30  # seconds: the most any step may take before the test gives up


class RecordingHandler:
    """Accepts mail and records it, with the client's address and port (one per connection).

    Can hold messages in DATA (neither accepted nor refused), to stop a worker in the middle of
    sending; held messages are then refused, as a server does whose client went away before the
    end of the conversation. Can refuse given messages with 421, as a server does that is
    closing the connection (the client must open another)."""

    def __init__(self):
        self.messages: list[dict] = []
        self.lock = threading.Lock()
        self.hold_from: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self.refuse_at: set[int] = set()  # the n-th message offered (1 = the first), refused
        self.offered = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.offered += 1
            refuse = self.offered in self.refuse_at
            hold = self.hold_from is not None and len(self.messages) >= self.hold_from
        if refuse:
            return "421 4.4.2 Connection dropped; try again later"
        if hold:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, WAIT)
            return "451 4.3.0 Connection lost; try again later"
        parsed = email.message_from_bytes(envelope.content)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.messages.append(
                    {
                        "to": recipient,
                        "message_id": parsed["Message-ID"],
                        "subject": str(parsed["Subject"]),
                        "connection": session.peer,
                    }
                )
        return "250 Message accepted for delivery"

    def recipients(self) -> Counter:
        with self.lock:
            return Counter(message["to"] for message in self.messages)

    def message_ids(self) -> Counter:
        with self.lock:
            return Counter(message["message_id"] for message in self.messages)

    def connections(self) -> int:
        with self.lock:
            return len({message["connection"] for message in self.messages})

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


class SmtpServer:
    def __init__(self):
        from aiosmtpd.controller import Controller

        self._controller_class = Controller
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = None

    def start(self):
        self.controller = self._controller_class(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def reset(self):
        self.handler.release.set()
        self.handler = RecordingHandler()
        if self.controller is not None:
            self.controller.handler = self.handler


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
