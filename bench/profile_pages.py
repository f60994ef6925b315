"""Where a page's server time goes: the bench's pages, timed and profiled (cProfile) in process.

    .venv/bin/python bench/profile_pages.py [--var DIR] [--top N] [--sort KEY] [--dump DIR] [page ...]

The first run builds a smaller bench database (the measured client's 5 years, 100 clients on
the client list or `--clients N`, a few hundred other clients) in DIR (default
var/profile-pages/) and keeps it;
later runs reuse it, so a change to a view can be measured again in seconds. Pages are named as
in `bench/run.py` (home, question, report, catalog, article, kb, kb-search, player, start,
checkin, diary, program, player-client, log, insights, clients, client-page, client-timeline, client-insights, client-care); with none, all.
Each page: the median of 100 requests beside the reference page's, then the functions with the
most cumulative time over 50 profiled requests. A tool for finding the cost, not a measurement:
`make bench` gives the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, bench_env, manage  # noqa: E402
from inproc import Browser, sign_in  # noqa: E402
from inproc import handler as wsgi_handler  # noqa: E402

CLIENT = ("profile-client@bench.invalid", "profile-client-password-2026")
PRACTITIONER = "profile-practice@bench.invalid"


def build(var_dir: Path, clients: int) -> dict[str, str]:
    """The database and what the pages need to find in it (stored in DIR/state.json)."""
    import django

    django.setup()
    from data import others
    from django.urls import reverse
    from practice_bench import client_page_path, practice_with_clients
    from run import (
        OTHER_CHECKINS,
        PRACTITIONER_PASSWORD,
        make_reports,
        pijntest_answers,
        scale_client,
    )

    from lijfwijs.learn.models import Article

    clean = pijntest_answers()
    report = make_reports(clean, count=1)[0]
    others(300, OTHER_CHECKINS)
    scale_client(clean, *CLIENT)
    _, device = practice_with_clients(PRACTITIONER, PRACTITIONER_PASSWORD, clients, 365, 12)
    article = Article.objects.published().order_by("pk").first()
    return {
        "report": report,
        "article": reverse("learn:detail", kwargs={"slug": article.slug}),
        "client_page": client_page_path(PRACTITIONER),
        "device": str(device.pk),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--var", type=Path, default=ROOT / "var" / "profile-pages")
    parser.add_argument(
        "--clients", type=int, default=100, help="clients on the list, when DIR is built (100)"
    )
    parser.add_argument("--top", type=int, default=25, help="profile lines per page (25)")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative)")
    parser.add_argument(
        "--dump", type=Path, help="also write each page's profile to DUMP/<page>.prof (pstats)"
    )
    args = parser.parse_args()

    var_dir = args.var.resolve()
    env_file = var_dir / "env.json"
    fresh = not env_file.exists()
    if fresh:
        var_dir.mkdir(parents=True, exist_ok=True)
        env_file.write_text(json.dumps(bench_env(var_dir)))
    os.environ.update(json.loads(env_file.read_text()))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    state_file = var_dir / "state.json"
    if fresh or not state_file.exists():
        manage("migrate", "--noinput")
        manage("load_content")
        manage("collectstatic", "--noinput")
        state_file.write_text(json.dumps(build(var_dir, args.clients)))
    state = json.loads(state_file.read_text())

    import django

    django.setup()
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from practice_bench import sign_in_two_factor
    from run import PRACTITIONER_PASSWORD, visitor_draft

    handler = wsgi_handler()
    anonymous = Browser(handler)
    client = Browser(handler)
    sign_in(client, *CLIENT, "/account/inloggen/")
    practitioner = Browser(handler)
    # a code is taken once per time step; an earlier run of this script may have used it
    TOTPDevice.objects.filter(pk=state["device"]).update(last_t=-1)
    device = TOTPDevice.objects.get(pk=state["device"])
    sign_in_two_factor(
        practitioner, PRACTITIONER, PRACTITIONER_PASSWORD, device, "/account/inloggen/"
    )
    player = "/oefeningen/4-7-8-ademhaling/oefenen/"
    pages = {
        # the reference page through a signed-in session: what signing in costs every page
        "reference-client": (client, "/bench/reference/"),
        "reference-practitioner": (practitioner, "/bench/reference/"),
        # a short page in the site's layout: what the layout costs every page
        "colofon": (anonymous, "/colofon/"),
        "colofon-client": (client, "/colofon/"),
        "colofon-practitioner": (practitioner, "/colofon/"),
        "home": (anonymous, "/"),
        "question": (visitor_draft(handler), "/pijntest/vragen/toestand/"),
        "report": (anonymous, state["report"]),
        "catalog": (anonymous, "/oefeningen/"),
        "article": (anonymous, state["article"]),
        "kb": (anonymous, "/kennisbank/"),
        "kb-search": (anonymous, "/kennisbank/?q=ademhaling"),
        "player": (anonymous, player),
        "start": (client, "/"),
        "checkin": (client, "/dagboek/nieuw/"),
        "diary": (client, "/dagboek/"),
        "program": (client, "/programma/"),
        "player-client": (client, player),
        "log": (client, "/oefeningen/logboek/"),
        "insights": (client, "/dagboek/inzichten/"),
        "clients": (practitioner, "/praktijk/"),
        "client-page": (practitioner, state["client_page"]),
        "client-timeline": (practitioner, state["client_page"] + "tijdlijn/"),
        "client-insights": (practitioner, state["client_page"] + "inzichten/"),
        "client-care": (practitioner, state["client_page"] + "notities-en-opdrachten/"),
    }
    unknown = set(args.pages) - set(pages)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))} (known: {', '.join(pages)})")

    def timed(browser: Browser, path: str, n: int) -> float:
        times = []
        for _ in range(n):
            answer = browser.get(path)
            if answer.status != 200:
                raise SystemExit(f"GET {path} gave {answer.status}")
            times.append(answer.seconds)
        return median(times)

    reference = Browser(handler)
    timed(reference, "/bench/reference/", 30)
    ref = timed(reference, "/bench/reference/", 200)
    print(f"reference page: {ref * 1000:.2f} ms")
    for name in args.pages or pages:
        browser, path = pages[name]
        timed(browser, path, 20)
        took = timed(browser, path, 100)
        print(f"\n== {name} {path}: {took * 1000:.2f} ms, {took / ref:.1f}x the reference")
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(50):
            browser.get(path)
        profile.disable()
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            profile.dump_stats(args.dump / f"{name}.prof")
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue().split("\n", 6)[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
