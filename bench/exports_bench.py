"""Benchmark of the exports: one client with 5 years of data (check-ins, a second one every fifth
day, practice sessions, and a Pijntest, PEG-3 and PHQ-4 every month), in a throwaway SQLite
database with the bench's production settings (DEBUG=0, local-memory cache).

Rows (median of 5 runs after one warm-up, each with an empty cache, so the diary's insights are
computed again as after a check-in; the first, cold run shown beside it):
- the PDF for the GP (`exports.pdf.render`), target <= 3 s (and of a year of data, <= 2 s);
- the FHIR bundle (`exports.fhir.bundle_json`, validated with the R4B models), target <= 2 s;
- the whole export job of the PDF as the worker runs it (`services.run`: build, encrypt, store),
  and the diary's CSV (Dutch spreadsheet), for information.

Standalone: `.venv/bin/python bench/exports_bench.py [--runs N] [--years Y]`; `measure()` gives the
rows for bench/run.py. Building the data is not timed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PDF_TARGET_S = 3.0
PDF_YEAR_TARGET_S = 2.0  # the figure for a year of data
FHIR_TARGET_S = 2.0
YEARS = 5


@dataclass
class Row:
    name: str
    median_s: float
    first_s: float
    target_s: float | None
    note: str = ""
    cpu_s: float = 0.0  # the median's process CPU time: what a busy machine's wall time hides

    @property
    def ok(self) -> bool:
        return self.target_s is None or self.median_s <= self.target_s

    def line(self) -> str:
        target = f"<= {self.target_s:.1f} s" if self.target_s is not None else "-"
        verdict = "" if self.target_s is None else ("OK" if self.ok else "FAIL")
        return (
            f"{self.name:38} median {self.median_s:6.2f} s (cpu {self.cpu_s:5.2f})  "
            f"first {self.first_s:6.2f} s  "
            f"target {target:8} {verdict:4} {self.note}"
        )


def setup() -> None:
    """Django on a throwaway SQLite database with the shipped content."""
    from common import bench_env

    os.environ.update(bench_env(Path(tempfile.mkdtemp(prefix="lijfwijs-exports-"))))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)


def client_with_years(years: int = YEARS):  # noqa: ANN201 - a User
    from django.utils import timezone

    from lijfwijs.accounts.localtime import local_today
    from lijfwijs.accounts.models import User
    from lijfwijs.accounts.services import give_health_consent
    from lijfwijs.exports.tests.history import make_history

    user = User.objects.create_user(
        f"{years}-jaar@bench.invalid",
        None,
        display_name=f"{years} jaar",
        date_joined=timezone.now(),
    )
    give_health_consent(user)
    made = make_history(user, days=365 * years, last=local_today(user), red_flag=True)
    user.refresh_from_db()
    return user, made


def _time(work: Callable[[], object], runs: int) -> tuple[float, float, float, object]:
    """Median wall time, first (cold) wall time, median CPU time, and the work's result."""
    from django.core.cache import cache

    def once() -> tuple[float, float, object]:
        cache.clear()  # nothing computed kept: the insights as after a new check-in
        t0, c0 = time.perf_counter(), time.process_time()
        result = work()
        return time.perf_counter() - t0, time.process_time() - c0, result

    first, _cpu, result = once()
    timed = [once() for _ in range(runs)]
    return (
        statistics.median(t for t, _c, _r in timed),
        first,
        statistics.median(c for _t, c, _r in timed),
        result,
    )


def measure(runs: int = 5, years: int = YEARS) -> list[Row]:
    """The rows (Django must be set up on a database with the shipped content: `setup()`)."""
    from django.utils import translation

    from lijfwijs.exports import csvs, fhir, pdf, services
    from lijfwijs.exports.models import ExportJob

    user, made = client_with_years(years)
    size = f"{made['checkins']:,} check-ins, {made['sessions']:,} sessions, {len(made['results'])} results"
    rows = []
    with translation.override("nl"):
        median, first, cpu, data = _time(lambda: pdf.render(user, user), runs)
        rows.append(
            Row(
                f"PDF for the GP, {years} years of data",
                median,
                first,
                PDF_TARGET_S,
                f"{len(data) // 1024} kB, {size}",
                cpu,
            )
        )
        median, first, cpu, data = _time(lambda: fhir.bundle_json(user), runs)
        rows.append(
            Row(
                "FHIR bundle (validated)",
                median,
                first,
                FHIR_TARGET_S,
                f"{len(data) // 1024} kB",
                cpu,
            )
        )

        def job() -> object:
            made_job = ExportJob.objects.create(requested_by=user, client=user, kind="pdf")
            services.run(made_job.pk)
            ExportJob.objects.filter(pk=made_job.pk).delete()
            return made_job

        median, first, cpu, _ = _time(job, runs)
        rows.append(Row("PDF export job (build, encrypt, store)", median, first, None, "", cpu))
        median, first, cpu, data = _time(lambda: csvs.diary_csv(user, dutch=True), runs)
        rows.append(
            Row(
                "diary CSV (Dutch spreadsheet)", median, first, None, f"{len(data) // 1024} kB", cpu
            )
        )
        year, _made = client_with_years(1)
        median, first, cpu, data = _time(lambda: pdf.render(year, year), runs)
        rows.append(
            Row("PDF for the GP, a year of data", median, first, PDF_YEAR_TARGET_S, "", cpu)
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--years", type=int, default=YEARS)
    args = parser.parse_args(argv)
    setup()
    rows = measure(args.runs, args.years)
    print(f"exports of a client with {args.years} years of data")
    for row in rows:
        print(row.line())
    return 0 if all(row.ok for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
