"""Locust traffic for bench/load.py: visitors on the Pijntest pages and API, clients in their diary.

Read by `locust -f bench/locustfile.py --headless …`, which bench/load.py starts; its settings come
from the JSON file named by BENCH_LOAD_CONFIG, and what it saw goes to BENCH_LOAD_OUT when Locust
quits: every request's time and status, and the client keys of the acknowledged check-ins.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import uuid
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task

CONFIG = json.loads(open(os.environ["BENCH_LOAD_CONFIG"], encoding="utf-8").read())
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ACCOUNTS = itertools.cycle(CONFIG["clients"])  # each client user signs in with its own account

seen: dict = {"times": [], "statuses": Counter(), "by_name": Counter(), "acked": []}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response, exception, **kw):
    status = getattr(response, "status_code", 0) if response is not None else 0
    outcome = type(exception).__name__ if exception and not status else str(status)
    seen["times"].append(response_time)
    seen["statuses"][outcome] += 1
    seen["by_name"][f"{request_type} {name} {outcome}"] += 1


@events.quitting.add_listener
def _write(environment, **kw):
    with open(os.environ["BENCH_LOAD_OUT"], "w", encoding="utf-8") as out:
        json.dump(seen, out)


def token_of(html: str) -> str:
    match = TOKEN.search(html)
    return match.group(1) if match else ""


class Visitor(HttpUser):
    """Someone without an account: the start page, the Pijntest through its pages and the API,
    the stored report, the catalog and an article."""

    weight = 3
    wait_time = between(1, 3)

    @task(3)
    def pijntest_pages(self) -> None:
        page = self.client.get("/pijntest/", name="/pijntest/")
        answer = self.client.post(
            "/pijntest/begin/",
            data={"csrfmiddlewaretoken": token_of(page.text)},
            allow_redirects=False,
            name="/pijntest/begin/",
        )
        if answer.status_code == 302:
            self.client.get(answer.headers["Location"], name="/pijntest/vragen/[step]/")

    @task(2)
    def pijntest_api(self) -> None:
        answer = self.client.post(
            "/api/v1/instruments/pijntest/responses",
            json={"answers": CONFIG["answers"]},
            name="/api/v1/instruments/pijntest/responses",
        )
        if answer.status_code == 201:
            self.client.get(
                CONFIG["report_path"].replace("ID", answer.json()["id"]),
                name="/pijntest/uitslag/[id]/",
            )

    @task(2)
    def read(self) -> None:
        self.client.get("/", name="/ (visitor)")
        self.client.get("/oefeningen/", name="/oefeningen/")
        self.client.get(CONFIG["article_path"], name="/kennisbank/[slug]/")


class Client(HttpUser):
    """A client with an account and a year of diary: signs in, checks in, reads the insights."""

    weight = 2
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.email = next(ACCOUNTS)
        self.zone = ZoneInfo(CONFIG["zone"])
        page = self.client.get("/account/inloggen/", name="/account/inloggen/")
        self.client.post(
            "/account/inloggen/",
            data={
                "csrfmiddlewaretoken": token_of(page.text),
                "username": self.email,
                "password": CONFIG["password"],
            },
            allow_redirects=False,
            name="/account/inloggen/ (POST)",
        )

    @task(3)
    def check_in(self) -> None:
        form = self.client.get("/dagboek/nieuw/", name="/dagboek/nieuw/")
        now = datetime.now(self.zone)
        key = f"load-{uuid.uuid4()}"
        with self.client.post(
            "/dagboek/nieuw/",
            data={
                "csrfmiddlewaretoken": token_of(form.text),
                "day": now.date().isoformat(),
                "time": now.strftime("%H:%M"),
                "pain": now.second % 11,
                "stress": now.minute % 11,
                "client_key": key,
            },
            allow_redirects=False,
            name="/dagboek/nieuw/ (POST)",
            catch_response=True,
        ) as answer:
            if answer.status_code == 302 and answer.headers.get("Location", "").endswith(
                "/dagboek/"
            ):
                seen["acked"].append(key)
                answer.success()
            else:
                answer.failure(f"check-in not acknowledged: {answer.status_code}")

    @task(3)
    def insights(self) -> None:
        self.client.get("/dagboek/inzichten/", name="/dagboek/inzichten/")

    @task(1)
    def home_and_diary(self) -> None:
        self.client.get("/", name="/ (client)")
        self.client.get("/dagboek/", name="/dagboek/")
