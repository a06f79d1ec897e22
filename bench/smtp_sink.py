"""A local SMTP server for the sending benchmark: accepts every message and appends its
Message-ID to a file, one a line, so the benchmark can check that each went out exactly once.
It reads only that header, found in the message's header block, and discards the rest: a real
SMTP conversation (aiosmtpd) whose own cost is only what any server spends receiving. The
benchmark reads its CPU time (/proc) to report it.

    .venv/bin/python bench/smtp_sink.py --port 8025 --log /tmp/received.txt

It runs in a process of its own (aiosmtpd), as a mail server would, until it is terminated.
"""

import argparse
import re
import signal
import threading

MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(.*?)\r?$", re.IGNORECASE | re.MULTILINE)


class Recorder:
    def __init__(self, log_path: str):
        self.log = open(log_path, "a", buffering=1)  # noqa: SIM115 (open for the process's life)

    async def handle_DATA(self, server, session, envelope):
        content = envelope.content
        end = content.find(b"\r\n\r\n")
        found = MESSAGE_ID.search(content, 0, end if end >= 0 else len(content))
        message_id = found.group(1).decode("ascii", "replace") if found else "None"
        self.log.write(f"{message_id}\t{','.join(envelope.rcpt_tos)}\n")
        return "250 Message accepted for delivery"


def main() -> None:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    arguments = parser.parse_args()
    controller = Controller(Recorder(arguments.log), hostname="127.0.0.1", port=arguments.port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
