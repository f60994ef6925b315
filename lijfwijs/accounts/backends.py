"""Django's ModelBackend, with the signed-in person of each request read by a plain statement.

`get_user` runs on every signed-in request (AuthenticationMiddleware, through the session's user
id). Django's backend builds `User.objects.get(pk=…)` through the ORM each time, which cost more
than the database took to answer. This one reads it with the statement the ORM compiles for that
query, once per process (`core.statements.instance_by_id`, the fields' converters applied), and
keeps the rest of ModelBackend: signing in with a password, `user_can_authenticate` (inactive
people are nobody), permissions. Settings: AUTHENTICATION_BACKENDS.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from lijfwijs.core.ids import MAX_ID
from lijfwijs.core.statements import instance_by_id


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except (ValidationError, TypeError, ValueError):  # a malformed id is nobody's
            return None
        if not isinstance(pk, int) or not 0 < pk <= MAX_ID:  # no row can have it
            return None
        user = instance_by_id(model, "pk", pk)
        return user if user is not None and self.user_can_authenticate(user) else None
