"""Exactly once with real processes: two task workers (`manage.py db_worker`, the database task
backend) send a queued campaign on this run's test database (SQLite by default, PostgreSQL when
DATABASE_URL says so), each recipient once. The workers are started, and count what they deliver,
as bench/campaign_bench.py does (with bench/campaign_mailbox.py: one line per message, a file per
process). The test is
transactional, so the queued campaign and its tasks are committed where the workers read them.
"""

import importlib.util
import os
import time
from collections import Counter
from pathlib import Path

import pytest

from lijfwijs.core.tests.test_many_processes import ROOT, server_database_url
from lijfwijs.outreach.campaigns import sending, services
from lijfwijs.outreach.campaigns.models import Campaign, Send

from .conftest import draft

_spec = importlib.util.spec_from_file_location(
    "campaign_mailbox", ROOT / "bench/campaign_mailbox.py"
)
bench = importlib.util.module_from_spec(_spec)  # the bench's workers, mailbox and counting
_spec.loader.exec_module(bench)

RECIPIENTS = sending.BATCH_SIZE * 3  # three batches between two workers
TIMEOUT_S = 180


def start_workers(tmp: Path, count: int) -> list:
    mailbox = tmp / "mailbox"
    mailbox.mkdir()
    env = {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_URL": server_database_url(),
        "REDIS_URL": "",  # tasks in the database
        "LIJFWIJS_VAR_DIR": str(tmp),
        "LOG_LEVEL": "WARNING",
        **bench.mailbox_env(mailbox),
    }
    return bench.start_workers(env, count, tmp / "workers.log")


@pytest.mark.django_db(transaction=True)
def test_two_task_workers_send_a_campaign_to_each_recipient_exactly_once(
    fake_audience, practice, pieter, tmp_path
):
    fake_audience.add(practice, "list:1", "Nieuwsbrief", RECIPIENTS)
    campaign = draft(practice, pieter)
    assert services.send_now(campaign) == RECIPIENTS  # its batch tasks committed with it

    workers = start_workers(tmp_path, 2)
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while not Campaign.objects.filter(pk=campaign.pk, status="sent").exists():
            assert time.monotonic() < deadline, (tmp_path / "workers.log").read_text()[-3000:]
            assert all(w.poll() is None for w in workers), (tmp_path / "workers.log").read_text()
            time.sleep(0.2)
    finally:
        bench.stop(workers)

    assert Counter(Send.objects.filter(campaign=campaign).values_list("status", flat=True)) == {
        "sent": RECIPIENTS
    }
    delivered = bench.delivered(tmp_path / "mailbox")
    assert len(delivered) == RECIPIENTS and set(delivered.values()) == {1}
    assert delivered.keys() == {f"person-{n}@example.org" for n in range(RECIPIENTS)}
