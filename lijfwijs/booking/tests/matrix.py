"""Booking's part of the authorization matrix (lijfwijs/core/tests/test_authz_matrix.py).

`build(users, practice)` makes the booking objects the matrix's URLs point at, with the real
services: P+ (owner of "Praktijk Matrix") gives an appointment type every day 07:00–21:00;
client A has a confirmed booking with P+, a visitor has a held one, P+ has blocked time.

Each part of booking adds its routes in a module `authz_<part>.py` beside this one, with a dict
`ROUTES` (key: the URL pattern as the matrix names it; value: a matrix `Route`) and optionally a
function `ids(objects) -> dict[str, str]` for the ids its URLs use ({name} in Route urls).
"""

import importlib
import pkgutil
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from lijfwijs.booking import services
from lijfwijs.booking.models import AppointmentType, Booking, WeeklyHours


def routes() -> dict[str, Any]:
    """Every `authz_*.py` module's routes, merged (a key twice is an error)."""
    import lijfwijs.booking.tests as package

    found: dict[str, Any] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not info.name.startswith("authz_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for key, route in module.ROUTES.items():
            assert key not in found, f"{key} is in the booking matrix twice"
            found[key] = route
    return found


def _free_start(appointment_type: AppointmentType, days_ahead: int) -> Any:
    zone = ZoneInfo(appointment_type.practice.time_zone)
    day = timezone.now().astimezone(zone).date() + timedelta(days=days_ahead)
    found = services.free_slots(appointment_type, day, day)
    return found[0].start


def build(users: dict[str, Any], practice: Any) -> dict[str, str]:
    """The booking objects of the matrix; returns the ids its URLs use."""
    p_plus = users["p_consent"]
    appointment_type = AppointmentType.objects.create(
        practice=practice,
        name="Gratis adviesgesprek",
        duration_minutes=30,
        is_free=True,
        min_notice_hours=1,
    )
    appointment_type.practitioners.add(p_plus)
    for weekday in range(7):
        WeeklyHours.objects.create(
            practice=practice,
            practitioner=p_plus,
            weekday=weekday,
            start=time(7, 0),
            end=time(21, 0),
        )
    booking = services.book(
        appointment_type,
        _free_start(appointment_type, 3),
        services.Who(client=users["client_a"], question="Matrixvraag"),
        origin=Booking.Origin.CLIENT,
    )
    held = services.book(
        appointment_type,
        _free_start(appointment_type, 4),
        services.Who(name="Bezoeker Matrix", email="bezoeker@matrix.example"),
        origin=Booking.Origin.VISITOR,
    )
    start = _free_start(appointment_type, 5)
    block = services.block_time(p_plus, start, start + timedelta(hours=1), note="Matrixblok")
    objects = {
        "appointment_type": appointment_type,
        "booking": booking,
        "held_booking": held,
        "block": block,
        "users": users,
        "practice": practice,
    }
    ids = {
        "appointment_type": str(appointment_type.pk),
        "booking": str(booking.pk),
        "held_booking": str(held.pk),
        "block": str(block.pk),
    }
    import lijfwijs.booking.tests as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("authz_"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            if hasattr(module, "ids"):
                ids.update(module.ids(objects))
    return ids
