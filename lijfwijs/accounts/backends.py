"""Django's ModelBackend, with the signed-in person of each request read by a plain statement.

`get_user` runs on every signed-in request (AuthenticationMiddleware, through the session's user
id). Django's backend builds `User.objects.get(pk=…)` through the ORM each time, which cost more
than the database took to answer. This one sends the same SELECT of the model's own columns,
written once per process, through `raw()` (so the fields' converters apply as in any query), and
keeps the rest of ModelBackend: signing in with a password, `user_can_authenticate` (inactive
people are nobody), permissions. Settings: AUTHENTICATION_BACKENDS.
"""

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router


@lru_cache(maxsize=4)
def _select(alias: str) -> str:
    model = get_user_model()
    quote = connections[alias].ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    key = quote(meta.pk.column)
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {key} = %s"  # noqa: S608


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except (ValidationError, TypeError, ValueError):  # a malformed id is nobody's
            return None
        if not isinstance(pk, int) or not 0 < pk < 2**63:  # no row can have it
            return None
        manager = model._default_manager
        alias = router.db_for_read(model)
        found = list(manager.db_manager(alias).raw(_select(alias), [pk]))
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
