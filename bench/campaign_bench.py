"""Campaigns in the bench: a campaign to 50,000 recipients is queued (the audience snapshotted
into send records) and sent by two real task workers (`manage.py db_worker`) with a counting
email backend (bench/campaign_mailbox.py), every recipient exactly once.

    .venv/bin/python bench/campaign_bench.py                     # SQLite in a throwaway var dir
    .venv/bin/python bench/campaign_bench.py --database-url postgres://postgres@127.0.0.1/bench_c

(the PostgreSQL database is created by migrate; it must exist and be empty or be this bench's.)
The audience comes from a stand-in for the newsletter inside this process (the campaigns ask
`outreach.audience`; the workers only read the send records). Prints rows like

    campaign queue (50,000 recipients) | 4.1 s | target <= 10 s | OK
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from campaign_mailbox import delivered, mailbox_env, start_workers, stop  # noqa: E402
from common import ROOT, BenchError, bench_env, log, manage  # noqa: E402

RECIPIENTS = 50_000
WORKERS = 2
QUEUE_TARGET_S = 10.0
RATE_TARGET = 500.0  # emails per second, all workers together
TIMEOUT_S = 600


def recipients(count: int) -> list[Any]:
    from lijfwijs.outreach.audience import Recipient

    return [
        Recipient(
            key=f"subscriber:{n}",
            email=f"lezer-{n}@bench.invalid",
            name=f"Lezer {n}",
            language="en" if n % 4 == 0 else "nl",
            unsubscribe_url=f"https://lijfwijs.example/nieuwsbrief/afmelden/{n:08d}abcdef/",
        )
        for n in range(count)
    ]


def campaign_to(count: int) -> tuple[Any, float]:
    """A practice with an audience of `count` people and a campaign to it, queued; the seconds
    the queueing took."""
    from lijfwijs.accounts.models import Practice
    from lijfwijs.outreach import audience
    from lijfwijs.outreach.audience import Audience
    from lijfwijs.outreach.campaigns import services

    practice = Practice.objects.create(name="Praktijk Bench", address="Benchstraat 1\n1000 AA")
    people = recipients(count)
    audience.audiences = lambda p: [Audience("list:bench", "Nieuwsbrief", len(people))]
    audience.recipients = lambda p, key: people if key == "list:bench" else None
    body = (
        "Hallo,\n\nDeze maand: **drie tips** voor een soepele rug.\n\n"
        "- [Lees meer](https://voorbeeld.nl/tips)\n- Beweeg elk uur even.\n\nGroet, de praktijk"
    )
    campaign = services.create(
        practice,
        None,
        services.Draft("Nieuws uit de praktijk", "Drie tips", body, "nl", "list:bench"),
    )
    started = time.perf_counter()
    made = services.queue(campaign.pk)
    took = time.perf_counter() - started
    if made != count:
        raise BenchError(f"queued {made} send records, expected {count}")
    return campaign, took


def wait_until_sent(campaign_id: int, workers: list[Any]) -> None:
    from django.db import close_old_connections

    from lijfwijs.outreach.campaigns.models import Campaign

    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        close_old_connections()
        if Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENT).exists():
            return
        if any(worker.poll() is not None for worker in workers):
            raise BenchError("a task worker stopped before the campaign was sent")
        time.sleep(0.1)
    raise BenchError(f"the campaign was not sent within {TIMEOUT_S} s")


def bench(count: int = RECIPIENTS, workers: int = WORKERS) -> list[tuple[str, str, str, str]]:
    """Queue and send; the table's rows. Django is set up by the caller (main)."""
    from django.db.models import Count, Max, Min

    from lijfwijs.outreach.campaigns.models import Send

    mailbox = Path(os.environ["CAMPAIGN_BENCH_MAILBOX"])
    log(f"a campaign to {count:,} recipients: queue it")
    campaign, queue_s = campaign_to(count)

    env = {**os.environ}
    log(f"send it with {workers} task workers (manage.py db_worker)")
    started = time.perf_counter()
    processes = start_workers(env, workers)
    try:
        wait_until_sent(campaign.pk, processes)
        wall_s = time.perf_counter() - started
    finally:
        stop(processes)

    records = Send.objects.filter(campaign=campaign)
    by_status = dict(records.values_list("status").annotate(n=Count("pk")))
    span = records.aggregate(first=Min("claimed_at"), last=Max("sent_at"))
    send_s = (span["last"] - span["first"]).total_seconds() if span["first"] else 0.0
    got = delivered(mailbox)
    once = by_status == {"sent": count} and len(got) == count and sum(got.values()) == count
    # The rate of sending: from the first batch's claim to the last email marked sent (the
    # workers' start-up, a second or two of Django, is shown beside it but not counted).
    rate = count / send_s if send_s else 0.0
    return [
        (
            f"campaign queue ({count:,} recipients)",
            f"{queue_s:.1f} s",
            f"<= {QUEUE_TARGET_S:g} s",
            "OK" if queue_s <= QUEUE_TARGET_S else "FAIL",
        ),
        (
            f"campaign send ({workers} db_workers, counting backend)",
            f"{rate:,.0f} emails/s ({send_s:.1f} s first claim to last sent; "
            f"{wall_s:.1f} s from starting the workers)",
            f">= {RATE_TARGET:g}/s",
            "OK" if rate >= RATE_TARGET else "FAIL",
        ),
        (
            "campaign send: machine load (1 min) at the end",
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
            "-",
            "-",
        ),
        (
            "campaign exactly once",
            f"{by_status.get('sent', 0):,} records sent, {sum(got.values()):,} emails "
            f"delivered to {len(got):,} addresses",
            f"{count:,} each",
            "OK" if once else "FAIL",
        ),
    ]


def print_rows(rows: list[tuple[str, str, str, str]]) -> None:
    for row in rows:
        print(" | ".join(row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=RECIPIENTS)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the var dir")
    args = parser.parse_args(argv)

    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    var_dir = Path(tempfile.mkdtemp(prefix="lijfwijs-campaign-bench-"))
    mailbox = var_dir / "mailbox"
    mailbox.mkdir()
    os.environ.update(bench_env(var_dir))
    os.environ.update({"DATABASE_URL": args.database_url, **mailbox_env(mailbox)})
    try:
        manage("migrate", "--noinput")
        import django

        django.setup()
        rows = bench(args.recipients, args.workers)
    except BenchError as error:
        log(f"bench error: {error}")
        return 1
    finally:
        if args.keep:
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    print_rows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
