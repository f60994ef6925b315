"""The export's background task: make one job's file (services.run claims it, so a second run of
the same job does nothing) and tell the asker by email that it is ready. Keep this name and
module: queued tasks are found by it."""

from django_tasks import task

from . import services


@task
def make_export(job_id: str) -> str:
    return services.run(job_id, notify=True)
