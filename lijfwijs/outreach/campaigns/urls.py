"""Campaigns's pages, included at the root (inside the language prefix).

- /praktijk/campagnes/…   the campaign editor: list with figures, write, preview, test, schedule,
                           send (views.py)
"""

from . import views

urlpatterns = [*views.urlpatterns]
