"""A demo practice for `make run`: its owner (a practitioner), an assistant and two clients with
Pijntest results. Idempotent.

Refuses to run without DEBUG unless --force: the demo logins are printed and well known.
"""

import random
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lijfwijs.accounts import services as account_services
from lijfwijs.accounts.models import Consent, ConsentText, Membership, Practice, User
from lijfwijs.assessments import engine, registry
from lijfwijs.assessments.models import Response
from lijfwijs.booking import demo as booking_demo
from lijfwijs.diary.models import CheckIn, Tag
from lijfwijs.exercises import services as exercise_services
from lijfwijs.exercises.models import Exercise
from lijfwijs.learn import demo as learn_demo
from lijfwijs.outreach.campaigns import demo as campaigns_demo
from lijfwijs.outreach.events import demo as events_demo
from lijfwijs.outreach.leads import demo as leads_demo
from lijfwijs.outreach.messaging import demo as messaging_demo
from lijfwijs.outreach.newsletter import demo as newsletter_demo
from lijfwijs.program import services as program_services
from lijfwijs.program.models import ProgramProgress

PASSWORD = "lijfwijs-demo-2026"  # noqa: S105 - the demo's published password, refused without DEBUG
# A fixed TOTP key, so the demo practitioner can add it to an authenticator app.
TOTP_KEY_HEX = (
    "3132333435363738393031323334353637383930"  # "12345678901234567890" (RFC 6238 test key)
)
RECOVERY = ["demo-herstel-1", "demo-herstel-2", "demo-herstel-3"]

PRACTITIONER = {
    "email": "behandelaar@demo.lijfwijs.local",
    "display_name": "Pieter de Vries",
}
ASSISTANT = {
    "email": "assistent@demo.lijfwijs.local",
    "display_name": "Sanne Bakker",
}
PRACTICE = {
    "name": "Praktijk Rugwijs",
    "address": "Voorbeeldstraat 1\n1234 AB Utrecht",
    "phone": "030 123 45 67",
    "email": "info@demo.lijfwijs.local",
    "website": "https://rugwijs.demo.lijfwijs.local/",
    # Made-up numbers of the right shape (a KvK number and a practice's AGB code have 8 digits).
    "kvk_number": "90123456",
    "agb_code": "04001234",
    "time_zone": "Europe/Amsterdam",
}
CLIENTS = [
    {"email": "anna@demo.lijfwijs.local", "display_name": "Anna", "profile": "stress"},
    {"email": "bram@demo.lijfwijs.local", "display_name": "Bram", "profile": "sleep"},
]
# The program: Anna went through step 1 and practises in step 2 (with tension before and after, so
# "what calms me" has something to say); Bram has just begun step 1.
ANNA_STEP_1 = {
    "eerste-signaal": "In mijn schouders en mijn kaak, vooral aan het eind van een werkdag.",
    "moment-van-rust": "Zondag bij het wandelen langs het water: mijn adem werd vanzelf rustiger.",
    "verschil": "Mijn losgelaten hand voelde warm en zwaar; dat had ik nog nooit zo gemerkt.",
}
PROGRAM_PRACTICE = {  # client index -> [(days ago, exercise, tension before, after)], per step
    0: {
        1: [(d, "vuist-contrast" if d % 2 else "bodyscan", 6, 4) for d in range(16, 10, -1)],
        2: [
            (9, "rustig-ademen", 7, 4),
            (8, "schudden", 8, 5),
            (7, "rustig-ademen", 6, 4),
            (6, "4-7-8-ademhaling", 7, 5),
            (5, "schudden", 7, 4),
            (4, "rustig-ademen", 6, 3),
            (3, "schudden", 6, 4),
            (1, "rustig-ademen", 5, 3),
        ],
    },
    1: {1: [(3, "bodyscan", 5, 4), (1, "vuist-contrast", 6, 5)]},
}


def _answers(
    instrument: engine.Instrument, rng: random.Random, heavy: str, improvement: int
) -> dict[str, Any]:
    """A plausible answer set: one domain heavier, loads easing by `improvement` steps over time."""
    answers: dict[str, Any] = {}
    for iid, item in instrument.items.items():
        if iid.startswith(("redflag.", "crisis.")):
            answers[iid] = "no"
        elif iid.startswith("neuro."):
            answers[iid] = "yes" if rng.random() < 0.5 else "no"
        elif iid.startswith("domain."):
            load = 3 if f".{heavy}." in iid else rng.choice([1, 2, 2])
            load = max(0, load - improvement)
            answers[iid] = engine.reverse_value(item, load) if item.reverse else load
        elif iid.startswith("state."):
            answers[iid] = (
                max(0, (3 if "sympathetic" in iid else 1) - improvement)
                if "ventral" not in iid
                else 1 + improvement
            )
        elif iid.startswith("peg."):
            answers[iid] = max(0, 7 - 2 * improvement + rng.choice([-1, 0, 1]))
        elif iid.startswith("phq4."):
            answers[iid] = max(0, 2 - improvement)
    answers.update(
        {
            "pain.duration": "gt1y",
            "pain.regions": ["lower_back", "neck"],
            "time.per_day": "10",
            "goals": ["understand", "less_pain"],
            "complaints": ["sleep"] if heavy == "sleep" else ["burnout"],
        }
    )
    return answers


class Command(BaseCommand):
    help = "Create the demo practice (its owner, an assistant, two clients with results) and print the logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force", action="store_true", help="also without DEBUG (never on a real installation)"
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo creates accounts with published passwords; run it with DEBUG=1 (or --force)."
            )
        with transaction.atomic():
            practitioner = self._user(PRACTITIONER, User.Role.PRACTITIONER)
            self._two_factor(practitioner)
            assistant = self._user(ASSISTANT, User.Role.ASSISTANT)
            self._two_factor(assistant)
            for n, spec in enumerate(CLIENTS):
                client = self._user(spec, User.Role.CLIENT)
                if not Consent.objects.filter(
                    user=client, kind=ConsentText.Kind.HEALTH_DATA
                ).exists():
                    Consent.objects.create(
                        user=client,
                        kind=ConsentText.Kind.HEALTH_DATA,
                        version=ConsentText.current(ConsentText.Kind.HEALTH_DATA).version,
                    )
                account_services.grant_access(client, practitioner)
                self._results(client, spec["profile"], seed=n)
                self._diary(client, seed=n)
                self._program(client, n)
                # Written in bulk, past the services: a new data version all the same.
                User.objects.data_changed(client)
            # What can be booked, the hours, a holiday and Anna's bookings (past and ahead).
            practice = self._practice()
            clients = list(User.objects.filter(email__in=[c["email"] for c in CLIENTS]))
            first = User.objects.get(email=CLIENTS[0]["email"])
            booking_demo.load(practice, [practitioner], first)
            # Outreach: the newsletter's lists and readers first (the campaigns write to them).
            newsletter_demo.load(practice, practitioner, clients)
            events_demo.load(practice, practitioner)
            campaigns_demo.load(practice, practitioner)
            leads_demo.load(practice, practitioner)
            messaging_demo.load(first, practitioner)
            learn_demo.load(practice, practitioner)
        self.stdout.write(
            self.style.SUCCESS(f"Demo practice ready. Logins (password for all: {PASSWORD}):")
        )
        self.stdout.write(f"  practitioner  {PRACTITIONER['email']} (owner of {PRACTICE['name']})")
        self.stdout.write(f"  assistant     {ASSISTANT['email']}")
        self.stdout.write(
            f"                two-factor key of both (base32): GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ, or a recovery code: {', '.join(RECOVERY)}"
        )
        for spec in CLIENTS:
            self.stdout.write(f"  client        {spec['email']}")

    def _user(self, spec: dict[str, str], role: str) -> User:
        user = User.objects.filter(email=spec["email"]).first()
        if user is None:
            user = User.objects.create_user(
                spec["email"],
                PASSWORD,
                role=role,
                display_name=spec["display_name"],
                email_verified_at=timezone.now(),
            )
        member_role = {
            User.Role.PRACTITIONER: Membership.Role.OWNER,
            User.Role.ASSISTANT: Membership.Role.ASSISTANT,
        }.get(role)
        if member_role and user.membership is None:
            account_services.join_practice(user, self._practice(), member_role)
        return user

    def _practice(self) -> Practice:
        """The demo practice with its details (filled in again where an older demo lacks them)."""
        practice, _made = Practice.objects.get_or_create(name=PRACTICE["name"], defaults=PRACTICE)
        missing = {k: v for k, v in PRACTICE.items() if not getattr(practice, k)}
        if missing:
            Practice.objects.filter(pk=practice.pk).update(**missing)
        return practice

    def _two_factor(self, user: User) -> None:
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="demo", key=TOTP_KEY_HEX, confirmed=True)
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="recovery", defaults={"confirmed": True}
        )
        for code in RECOVERY:
            StaticToken.objects.get_or_create(device=device, token=code)

    def _diary(self, client: User, seed: int, days: int = 120) -> None:
        """120 days of check-ins with planted patterns: work pressure raises pain the same day,
        a walk lowers it the next day, a bad night goes with more pain."""
        if CheckIn.objects.filter(user=client).exists():
            return
        rng = random.Random(100 + seed)  # noqa: S311 - demo data, not security
        tags = {t.key: t for t in Tag.objects.filter(user__isnull=True)}
        zone = ZoneInfo(client.time_zone)
        now = timezone.now()
        today = now.astimezone(zone).date()
        checkins, links, walked_yesterday = [], [], False
        for n in range(days, 0, -1):
            day = today - timedelta(days=n - 1)
            busy = rng.random() < 0.35 and day.weekday() < 5
            walked = rng.random() < 0.4
            sleep = max(0, min(10, round(rng.gauss(6.5, 1.8))))
            base = 5.5 - 2.0 * (days - n) / days  # slowly better over four months
            for hour in sorted(rng.sample([8, 13, 18, 21], rng.choice([1, 2, 2, 3]))):
                pain = (
                    base
                    + (2.0 if busy else 0)
                    - (1.2 if walked_yesterday else 0)
                    + (1.0 if sleep <= 4 else 0)
                )
                pain += rng.gauss(0, 0.9)
                checkin = CheckIn(
                    user=client,
                    day=day,
                    at=datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=zone),
                    pain=max(0, min(10, round(pain))),
                    sleep=sleep,
                    stress=max(0, min(10, round(rng.gauss(6 if busy else 3, 1.5)))),
                    energy=max(0, min(10, round(rng.gauss(5, 1.5)))),
                    state=rng.choice(["sympathetic", "sympathetic", "ventral", "dorsal"]),
                )
                chosen = [
                    k
                    for k, on in (
                        ("werkdruk", busy),
                        ("wandelen", walked),
                        ("slecht-geslapen", sleep <= 4),
                    )
                    if on
                ]
                chosen += rng.sample(
                    ["zorgen", "opgejaagd", "buiten", "ontspannen", "weer", "schermtijd"],
                    rng.choice([0, 1]),
                )
                if checkin.at > now:  # today's later check-ins have not happened yet
                    continue
                checkins.append(checkin)
                links.extend((checkin, tags[key]) for key in chosen if key in tags)
            walked_yesterday = walked
        CheckIn.objects.bulk_create(checkins)
        CheckIn.tags.through.objects.bulk_create(
            [CheckIn.tags.through(checkin_id=c.pk, tag_id=t.pk) for c, t in links],
            ignore_conflicts=True,
        )

    def _results(self, client: User, heavy: str, seed: int) -> None:
        if Response.objects.filter(user=client).exists():
            return
        instrument = registry.get("pijntest")
        rng = random.Random(seed)  # noqa: S311 - demo data, not security
        for step, days_ago in enumerate((90, 45, 5)):
            clean, problems = engine.validate(instrument, _answers(instrument, rng, heavy, step))
            assert not problems, problems  # noqa: S101 - a bug in the demo data itself
            when = timezone.now() - timedelta(days=days_ago)
            Response.objects.create(
                instrument=instrument.id,
                version=instrument.version,
                status=Response.Status.COMPLETED,
                user=client,
                answers=clean,
                result=engine.score(instrument, clean),
                created_at=when,
                completed_at=when,
            )

    def _program(self, client: User, index: int) -> None:
        """A place in the program with practice through the services, the way the pages log it."""
        if ProgramProgress.objects.filter(user=client).exists():
            return
        program_services.ensure_progress(client)
        exercises = {e.slug: e for e in Exercise.objects.active()}
        now = timezone.now()
        for step, sessions in PROGRAM_PRACTICE[index].items():
            for days_ago, slug, before, after in sessions:
                if slug not in exercises:
                    continue
                exercise_services.log_session(
                    client,
                    exercises[slug],
                    seconds=exercises[slug].duration_minutes * 60,
                    completed=True,
                    tension_before=before,
                    tension_after=after,
                    started_at=now - timedelta(days=days_ago, hours=2),
                )
            if index == 0 and step == 1:
                for prompt, answer in ANNA_STEP_1.items():
                    program_services.save_reflection(client, 1, prompt, answer)
                program_services.advance(client, 1)
                # as if she went on ten days ago, before her practice in step 2
                ProgramProgress.objects.filter(user=client).update(
                    step_started_at=now - timedelta(days=10)
                )
