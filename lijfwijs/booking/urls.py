"""Booking's pages, included at the root (inside the language prefix).

- /afspraak/…                the booking flow for visitors and clients (flow.py)
- /afspraak/beheer/…         confirm, cancel and reschedule through the emails' signed links
                              (self_service.py)
- /praktijk/agenda/…         the practitioner's agenda, a booking's details, booking for a client,
                              blocking time (agenda.py)
- /praktijk/aanbod/…         appointment types, weekly hours and exceptions (offer.py)
- /agenda/<token>.ics        a practitioner's calendar feed (feed.py)
"""

from . import agenda, feed, flow, offer, self_service

urlpatterns = [
    *flow.urlpatterns,
    *self_service.urlpatterns,
    *agenda.urlpatterns,
    *offer.urlpatterns,
    *feed.urlpatterns,
]
