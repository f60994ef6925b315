"""An email backend for the campaign bench: each message is built in full (MIME, as the SMTP
backend would hand it over) and its recipient written as one line to a file per process in
CAMPAIGN_BENCH_MAILBOX, so the bench can count what was delivered across worker processes.

    EMAIL_BACKEND=campaign_mailbox.CountingBackend  (with bench/ on PYTHONPATH)
"""

import os
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class CountingBackend(BaseEmailBackend):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.path = Path(os.environ["CAMPAIGN_BENCH_MAILBOX"]) / f"{os.getpid()}.txt"
        self.stream = None

    def open(self) -> bool:
        if self.stream is None:
            self.stream = self.path.open("a", encoding="utf-8")
            return True
        return False

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None

    def send_messages(self, email_messages) -> int:
        opened = self.open()
        try:
            for message in email_messages:
                message.message().as_bytes()  # the full message, as a mail server would get it
                self.stream.write(f"{message.to[0]}\n")
            self.stream.flush()
        finally:
            if opened:
                self.close()
        return len(email_messages)
