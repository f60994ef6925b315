"""Real parallel database clients for race tests (PostgreSQL with DATABASE_URL; SQLite serialises)."""

import threading

from django.db import connections


def in_threads(target, count: int = 2) -> list:
    """Run `target` in `count` threads released at the same moment; returns their results."""
    barrier = threading.Barrier(count)
    results: list = []
    errors: list = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results
