"""Events's pages, included at the root (inside the language prefix).

- /evenementen/…              the public list, an event's page and sign-up, a sign-up's own pages
                              through the emails' links (public.py)
- /praktijk/evenementen/…     the practice's events, sign-ups, waiting list, attendance, CSV
                              (workspace.py)
"""

from . import public, workspace

urlpatterns = [*public.urlpatterns, *workspace.urlpatterns]
