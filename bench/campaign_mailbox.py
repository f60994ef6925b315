"""The campaign bench's task workers and the mailbox they deliver into (also used by
lijfwijs/outreach/campaigns/tests/test_workers.py).

`CountingBackend` builds each message in full (MIME, as the SMTP backend would hand it over) and
writes its recipient as one line to a file per process in CAMPAIGN_BENCH_MAILBOX, so what was
delivered can be counted across worker processes (`delivered`):

    EMAIL_BACKEND=campaign_mailbox.CountingBackend  (with bench/ on PYTHONPATH: `mailbox_env`)
"""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

ROOT = Path(__file__).resolve().parent.parent
WORKER = [sys.executable, "manage.py", "db_worker", "--interval", "0.05", "--no-startup-delay"]


def mailbox_env(mailbox: Path) -> dict[str, str]:
    """What a worker needs to deliver into the counting backend's `mailbox` folder."""
    return {
        "EMAIL_BACKEND": "campaign_mailbox.CountingBackend",
        "CAMPAIGN_BENCH_MAILBOX": str(mailbox),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")])
        ),
    }


def delivered(mailbox: Path) -> Counter:
    """How many emails each address got, over every worker's file."""
    found: Counter = Counter()
    for path in mailbox.glob("*.txt"):
        found.update(path.read_text().split())
    return found


def start_workers(
    env: dict[str, str], count: int, log_path: Path | None = None
) -> list[subprocess.Popen[bytes]]:
    """`count` task workers (`manage.py db_worker`) with `env`; their output to `log_path`."""
    out = log_path.open("ab") if log_path else subprocess.DEVNULL
    try:
        return [
            subprocess.Popen(WORKER, cwd=ROOT, env=env, stdout=out, stderr=out)  # noqa: S603
            for _n in range(count)
        ]
    finally:
        if log_path:
            out.close()


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


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
