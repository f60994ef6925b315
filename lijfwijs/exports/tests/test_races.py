"""Asking for the same export at once (a double click, two tabs) on parallel database connections
(PostgreSQL with DATABASE_URL; SQLite serialises the writes): one job, the same answer to each,
no error. The conditional unique constraint `export_one_open_job` decides, not a check first."""

import pytest

from lijfwijs.accounts.tests.helpers import make_client_user
from lijfwijs.core.tests.parallel import in_threads
from lijfwijs.exports import services
from lijfwijs.exports.models import ExportJob


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("inline_rows", [0, 10_000], ids=["background", "at-once"])
def test_parallel_requests_make_one_job(monkeypatch, inline_rows):
    monkeypatch.setattr(services, "INLINE_ROWS", inline_rows)
    anna = make_client_user("anna@example.org")
    jobs = in_threads(lambda: services.request_export(anna, anna, "diary_csv", "nl"), count=4)
    assert len(jobs) == 4
    if inline_rows == 0:  # nothing finishes meanwhile: exactly one job, the same to each
        assert ExportJob.objects.count() == 1
        assert {job.pk for job in jobs} == {ExportJob.objects.get().pk}
    else:  # made at once: a later click may start a new one after the first was finished
        assert ExportJob.objects.filter(status="ready").count() == ExportJob.objects.count() >= 1
        assert {job.pk for job in jobs} <= set(ExportJob.objects.values_list("pk", flat=True))
