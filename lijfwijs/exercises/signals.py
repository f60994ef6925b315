"""What is cached about someone's practice and program, or an exercise's player page, is dropped
when it changes."""

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lijfwijs.accounts.models import Consent

from .content import forget_players, player_consent_key
from .models import Exercise, PracticeSession, ProgramProgress, Reflection, SetbackPlan
from .services import forget_practice


@receiver([post_save, post_delete], sender=PracticeSession)
@receiver([post_save, post_delete], sender=ProgramProgress)
@receiver([post_save, post_delete], sender=Reflection)
@receiver([post_save, post_delete], sender=SetbackPlan)
def _forget(sender: type, instance: Any, **kwargs: Any) -> None:
    forget_practice(instance.user_id)


@receiver([post_save, post_delete], sender=Exercise)
def _forget_player(sender: type, instance: Exercise, **kwargs: Any) -> None:
    forget_players([instance.slug])  # its player page is rendered once and cached


@receiver([post_save, post_delete], sender=Consent)
def _forget_consent(sender: type, instance: Consent, **kwargs: Any) -> None:
    cache.delete(player_consent_key(instance.user_id))  # a player then offers saving at once
