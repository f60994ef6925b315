"""The 5-step program: where someone is, their private reflections and their setback plan.

The tables keep the names they had when the program lived in the exercises app (`db_table`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.core.fields import EncryptedTextField


class ProgramProgress(models.Model):
    """Where someone is in the 5-step program. Whether they may go on is decided in program.py.

    A practitioner with access may unlock the next step early or hold the current one (`override`),
    which applies to `current_step` only and is cleared when the step changes.
    """

    class Override(models.TextChoices):
        NONE = "", _("geen")
        UNLOCK = "unlock", _("volgende stap vrijgegeven")
        HOLD = "hold", _("stap vastgehouden")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program"
    )
    start_step = models.PositiveSmallIntegerField(default=1)
    current_step = models.PositiveSmallIntegerField(default=1)
    step_started_at = models.DateTimeField(default=timezone.now)
    override = models.CharField(max_length=8, choices=Override.choices, blank=True, default="")
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    override_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "exercises_programprogress"
        verbose_name = _("voortgang in het programma")
        verbose_name_plural = _("voortgang in het programma")
        constraints = [
            models.CheckConstraint(
                condition=Q(current_step__gte=1) & Q(current_step__lte=5),
                name="program_current_step_1_5",
            ),
            models.CheckConstraint(
                condition=Q(start_step__gte=1) & Q(start_step__lte=5),
                name="program_start_step_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.current_step}"


class Reflection(models.Model):
    """A client's private answer to one reflection prompt of a program step (encrypted at rest)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    step = models.PositiveSmallIntegerField()
    prompt = models.SlugField(max_length=40)
    answer = EncryptedTextField(_("antwoord"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "exercises_reflection"
        ordering = ["step", "prompt"]
        verbose_name = _("reflectie")
        verbose_name_plural = _("reflecties")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "step", "prompt"], name="reflection_one_per_prompt"
            ),
            models.CheckConstraint(
                condition=Q(step__gte=1) & Q(step__lte=5), name="reflection_step_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.step}/{self.prompt}"


class SetbackPlan(models.Model):
    """Step 5: the client's own plan for a flare-up, in their words (encrypted at rest)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="setback_plan"
    )
    notice_first = EncryptedTextField(_("wat ik het eerst merk"), blank=True, default="")
    what_i_do = EncryptedTextField(_("wat ik dan doe"), blank=True, default="")
    who_i_call = EncryptedTextField(_("wie ik bel"), blank=True, default="")
    helpful_exercises = EncryptedTextField(
        _("oefeningen die mij het meest helpen"), blank=True, default=""
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "exercises_setbackplan"
        verbose_name = _("terugvalplan")
        verbose_name_plural = _("terugvalplannen")

    def __str__(self) -> str:
        return str(self.user_id)

    @property
    def is_empty(self) -> bool:
        return not any((self.notice_first, self.what_i_do, self.who_i_call, self.helpful_exercises))
