"""What the bench scripts share: the environment, manage.py, HTTP to 127.0.0.1, gunicorn, stats."""

from __future__ import annotations

import http.client
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # the only address the bench ever talks to


class BenchError(RuntimeError):
    """The harness could not take a measurement (not a missed target)."""


_STARTED = time.monotonic()


def log(msg: str) -> None:
    print(f"[bench {time.monotonic() - _STARTED:5.0f}s] {msg}", file=sys.stderr, flush=True)


def bench_env(var_dir: Path) -> dict[str, str]:
    """DEBUG=0 production settings in a throwaway var dir, on SQLite and local memory unless the
    caller sets DATABASE_URL / REDIS_URL afterwards."""
    from cryptography.fernet import Fernet

    return {
        "DJANGO_SETTINGS_MODULE": "lijfwijs.settings",
        "LIJFWIJS_VAR_DIR": str(var_dir),
        "SECRET_KEY": "bench-secret-not-for-production-" + "x" * 40,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        # the Pijntest rate limit would stop the load run's visitors, who all come from 127.0.0.1
        "PIJNTEST_RATE_LIMIT": "1000000",
        # A fresh key per run for the encrypted fields (the database is thrown away too).
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": "",
        "REDIS_URL": "",
    }


def manage(*args: str, env: dict[str, str] | None = None) -> None:
    cmd = [sys.executable, "manage.py", *args]
    log("$ " + " ".join(cmd[1:]))
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env or os.environ.copy(), capture_output=True, text=True, timeout=600
    )
    if proc.returncode != 0:
        lines = (proc.stdout + proc.stderr).strip().splitlines()[-25:]
        raise BenchError(
            f"manage.py {' '.join(args)} failed ({proc.returncode}):\n" + "\n".join(lines)
        )


# ---------------------------------------------------------------------------------------------
# Statistics


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (0 < share <= 1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def median(values: list[float]) -> float:
    return statistics.median(values)


# ---------------------------------------------------------------------------------------------
# HTTP to a server on 127.0.0.1


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def reachable(port: int, host: str = HOST) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> tuple[int, dict[str, str], bytes, list[str]]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        cookies = resp.headers.get_all("Set-Cookie") or []
        return resp.status, dict(resp.getheaders()), data, cookies
    finally:
        conn.close()


def cookie_value(set_cookies: list[str], name: str) -> str | None:
    for header in set_cookies:
        first = header.split(";", 1)[0]
        key, _, value = first.partition("=")
        if key.strip() == name:
            return value.strip()
    return None


# ---------------------------------------------------------------------------------------------
# gunicorn


def start_gunicorn(
    port: int, log_path: Path, env: dict[str, str], workers: int = 1
) -> subprocess.Popen[bytes]:
    gunicorn = BIN / "gunicorn"
    if not gunicorn.exists():
        raise BenchError(f"{gunicorn} not found; install the project (make bench does)")
    args = ["lijfwijs.wsgi", "-w", str(workers), "-k", "sync", "-b", f"{HOST}:{port}"]
    log("$ gunicorn " + " ".join(args))
    return subprocess.Popen(
        [str(gunicorn), *args, "--error-logfile", str(log_path), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_gunicorn(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_ready(
    port: int, proc: subprocess.Popen[bytes], log_path: Path, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {proc.returncode}:\n{tail(log_path)}")
        try:
            status, _, _, _ = request(port, "GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"/healthz did not answer within {timeout:.0f}s:\n{tail(log_path)}")
