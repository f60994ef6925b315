"""People of Lijfwijs, their consents, practitioner access and the access log."""

import secrets
from datetime import timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.core.i18n import Translated
from lijfwijs.core.statements import Compiled, Slot


class UserQuerySet(models.QuerySet["User"]):
    def with_email(self, email: str) -> "UserQuerySet":
        """The account of this address, compared without case, through the index on the lowered
        address: signing in, registering, a reset and an invitation each look an address up, and
        a comparison without case could use no index (SQLite read every account)."""
        return self.alias(lowered=Lower("email")).filter(lowered=Lower(Value(email)))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.STAFF)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.with_email(username or "").get()

    def data_changed(self, person: "User | int | None") -> None:
        """The person's data changed: raise their data version (`core.datacache`).

        Call it inside the transaction of the write, through the services, for every write that can
        change a value computed about the person. Values cached for the old version are never read
        again. Given an account object, its `data_version` is brought up to date as well.
        """
        pk = getattr(person, "pk", person)
        if pk is None:
            return
        self.filter(pk=pk).update(data_version=models.F("data_version") + 1)
        if isinstance(person, User):
            person.refresh_from_db(fields=["data_version"])


class User(AbstractUser):
    """A person with an account. The email address is the login; there is no username."""

    class Role(models.TextChoices):
        CLIENT = "client", _("cliënt")
        PRACTITIONER = "practitioner", _("behandelaar")
        ASSISTANT = "assistant", _("assistent")
        STAFF = "staff", _("beheerder")

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mailadres"), unique=True)
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.CLIENT)
    language = models.CharField(_("taal"), max_length=5, default="nl", choices=settings.LANGUAGES)
    display_name = models.CharField(_("naam"), max_length=120, blank=True, default="")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(_("tijdzone"), max_length=64, default="Europe/Amsterdam")
    # Raised by every write that changes what is computed about the person (core.datacache).
    data_version = models.PositiveBigIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta(AbstractUser.Meta):
        # addresses are looked up without case (UserQuerySet.with_email)
        indexes = [models.Index(Lower("email"), name="user_email_lower")]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def is_client(self) -> bool:
        return self.role == self.Role.CLIENT

    @property
    def is_practitioner(self) -> bool:
        return self.role == self.Role.PRACTITIONER

    @property
    def is_assistant(self) -> bool:
        return self.role == self.Role.ASSISTANT

    @property
    def membership(self) -> "Membership | None":
        """The person's place in a practice (practitioners and assistants), or None. Read once
        per object: `select_related("membership__practice")` saves the query in lists."""
        try:
            return self._membership_cache  # type: ignore[has-type]
        except AttributeError:
            pass
        found = _membership_of(self.pk) if self.pk is not None else None
        self._membership_cache = found
        return found

    @property
    def practice(self) -> "Practice | None":
        membership = self.membership
        return membership.practice if membership else None

    @property
    def practice_name(self) -> str:
        """The name of the practice the person works for ("" for clients): in emails and the log."""
        practice = self.practice
        return practice.name if practice else ""

    @property
    def needs_two_factor(self) -> bool:
        """Practitioners, assistants and staff must use a second factor."""
        return (
            self.role in (self.Role.PRACTITIONER, self.Role.ASSISTANT, self.Role.STAFF)
            or self.is_staff
            or self.is_superuser
        )


EIGHT_DIGITS = RegexValidator(r"^\d{8}$", _("Vul 8 cijfers in, zonder spaties."))


class Practice(models.Model):
    """A practice: practitioners and assistants who work together, with their details.

    It lives in `accounts` because booking and outreach (below `practice` in the layers) belong to
    a practice too. An installation may hold many practices; nothing of one is visible to another.
    """

    name = models.CharField(_("naam"), max_length=120)
    address = models.TextField(_("adres"), blank=True, default="")
    phone = models.CharField(_("telefoon"), max_length=32, blank=True, default="")
    email = models.EmailField(_("e-mailadres"), blank=True, default="")
    website = models.URLField(_("website"), blank=True, default="")
    kvk_number = models.CharField(
        _("KvK-nummer"), max_length=8, blank=True, default="", validators=[EIGHT_DIGITS]
    )
    agb_code = models.CharField(
        _("AGB-code"), max_length=8, blank=True, default="", validators=[EIGHT_DIGITS]
    )
    time_zone = models.CharField(_("tijdzone"), max_length=64, default="Europe/Amsterdam")
    # Raised (booking.services.touch) in the same transaction as every write that changes the
    # practice's free times; the cached free times are kept under it (core.datacache).
    booking_version = models.PositiveBigIntegerField(default=0, editable=False)
    logo = models.FileField(_("logo"), upload_to="practice-logos/", blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's place in a practice. A person works in one practice at most."""

    class Role(models.TextChoices):
        OWNER = "owner", _("eigenaar")
        PRACTITIONER = "practitioner", _("behandelaar")
        ASSISTANT = "assistant", _("assistent")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("rol"), max_length=16, choices=Role.choices)
    # The practitioner's own alert settings (practice.alerts): days without a check-in before a
    # silence alert, and whether open alerts come by email once a day.
    silence_days = models.PositiveSmallIntegerField(_("stilte na (dagen)"), default=7)
    alert_digest = models.BooleanField(_("dagelijkse samenvatting van meldingen"), default=True)
    # Given by the owner: may write articles for the practice's knowledge base.
    may_write_articles = models.BooleanField(_("mag artikelen schrijven"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice", "role", "user"]
        constraints = [
            models.CheckConstraint(
                condition=Q(silence_days__gte=2, silence_days__lte=60),
                name="membership_silence_days_2_60",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.practice_id} ({self.role})"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


class ConsentText(models.Model):
    """A version of a consent text people agree to. Shipped as data (accounts/consents/*.toml)."""

    class Kind(models.TextChoices):
        HEALTH_DATA = "health_data", _("verwerking van gezondheidsgegevens")
        PRACTITIONER_ACCESS = "practitioner_access", _("inzage door een behandelaar")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    version = models.CharField(max_length=16)
    title_nl = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    text_nl = models.TextField()
    text_en = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)

    title = Translated()
    text = Translated()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="consent_text_version_unique")
        ]
        ordering = ["kind", "-published_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.version}"

    @classmethod
    def current(cls, kind: str) -> "ConsentText":
        """The newest version; read from the shipped files first if they were never loaded."""
        text = cls.objects.filter(kind=kind).order_by("-published_at", "-id").first()
        if text is None:
            from .content import load

            load()
            text = cls.objects.filter(kind=kind).order_by("-published_at", "-id").first()
        if text is None:
            raise LookupError(f"no consent text of kind {kind} ships with Lijfwijs")
        return text


class Consent(models.Model):
    """Who agreed to which version of a consent text, when; and when they withdrew it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(max_length=32, choices=ConsentText.Kind.choices)
    version = models.CharField(max_length=16)
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_current_consent_per_kind",
            )
        ]
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.version}"


class PractitionerAccessQuerySet(models.QuerySet["PractitionerAccess"]):
    def active(self) -> "PractitionerAccessQuerySet":
        return self.filter(status=PractitionerAccess.Status.ACTIVE)


class PractitionerAccess(models.Model):
    """A client's consent that one practitioner may see their data; revocable at any time."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("actief")
        REVOKED = "revoked", _("ingetrokken")

    class Origin(models.TextChoices):
        CLIENT_GRANT = "client_grant", _("door de cliënt gegeven")
        INVITATION = "invitation", _("uitnodiging geaccepteerd")

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="granted_access"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_access"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.CLIENT_GRANT)
    consent_version = models.CharField(max_length=16)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The client's choice: this practitioner may also read the free text of their check-ins.
    share_notes = models.BooleanField(_("notities uit mijn dagboek delen"), default=False)

    objects = PractitionerAccessQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "practitioner"],
                condition=Q(status="active"),
                name="one_active_access_per_pair",
            )
        ]
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.client_id} → {self.practitioner_id} ({self.status})"


def invitation_token() -> str:
    return secrets.token_urlsafe(24)


INVITATION_DAYS = 14


def invitation_expiry() -> Any:
    return timezone.now() + timedelta(days=INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def to_address(self, email: str) -> "InvitationQuerySet":
        """The invitations sent to this address, compared without case (as the sign-in compares
        addresses), through the index on the lowered address: a client's start page asks on
        every visit, and the table holds every invitation the installation ever sent."""
        return self.alias(lowered=Lower("email")).filter(lowered=Lower(Value(email)))


class Invitation(models.Model):
    """A practitioner's invitation to a client; it becomes access only when the client accepts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("open")
        ACCEPTED = "accepted", _("geaccepteerd")
        DECLINED = "declined", _("afgewezen")
        WITHDRAWN = "withdrawn", _("ingetrokken")

    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=invitation_token)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    # An open invitation can be accepted until it expires (14 days; a resend starts them again).
    expires_at = models.DateTimeField(default=invitation_expiry)
    sent_count = models.PositiveSmallIntegerField(default=1)
    last_sent_at = models.DateTimeField(default=timezone.now)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "email"],
                condition=Q(status="pending"),
                name="one_open_invitation_per_pair",
            )
        ]
        indexes = [models.Index(Lower("email"), name="invitation_email_lower")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at <= timezone.now()


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    """Append-only for the application: rows are never changed or deleted, except by retention."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the access log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the access log is append-only")

    def prune(self, before: Any) -> int:
        """Remove rows older than `before` (retention); the only way rows ever leave the log."""
        old = self.filter(at__lt=before)
        return old._raw_delete(old.db)  # type: ignore[attr-defined]

    def prune_expired(self) -> int:
        """Retention: remove the rows older than ACCESS_LOG_RETENTION_DAYS (default 5 years)."""
        return self.prune(timezone.now() - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS))

    def about(self, client_id: int) -> "AccessLogQuerySet":
        return self.filter(client_id=client_id)


class AccessLog(models.Model):
    """One read, export or change of a client's data by someone other than the client (NEN 7513).

    No health data: who, on whose behalf, whose data, what kind, which action, when (UTC). The
    client is stored as a plain id, so the row outlives the client's account (the legal exception
    to erasure; retention ACCESS_LOG_RETENTION_DAYS).
    """

    class Kind(models.TextChoices):
        PIJNTEST = "pijntest", _("Pijntest-uitslagen")
        PROFILE = "profile", _("profielgegevens")
        CLIENT_LIST = "client_list", _("cliëntenlijst")
        EXPORT = "export", _("export")
        PROGRAM = "program", _("stap in het 5-stappenprogramma")
        TIMELINE = "timeline", _("tijdlijn")
        DIARY = "diary", _("dagboek")
        INSIGHTS = "insights", _("inzichten")
        PRACTICE_LOG = "practice_log", _("oefenlogboek")
        NOTES = "notes", _("notities van de behandelaar")
        ALERTS = "alerts", _("meldingen")
        ASSIGNMENTS = "assignments", _("opdrachten")
        SUMMARY = "summary", _("samenvatting")
        MESSAGES = "messages", _("berichten")

    class Action(models.TextChoices):
        VIEW = "view", _("bekeken")
        LIST = "list", _("in een lijst getoond")
        EXPORT = "export", _("geëxporteerd")
        CHANGE = "change", _("gewijzigd")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField()
    actor_email = models.CharField(max_length=254)
    actor_role = models.CharField(max_length=20)
    actor_name = models.CharField(max_length=120, blank=True, default="")
    on_behalf_of = models.CharField(max_length=200, blank=True, default="")
    # no index of its own: the index below begins with it (one index fewer to write per row)
    client_id = models.BigIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    action = models.CharField(max_length=12, choices=Action.choices)
    object_ref = models.CharField(max_length=64, blank=True, default="")

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        # one client's rows of one kind and action in a period (a practitioner's changes to the
        # program on the client's timeline): a range, not every look at the client ever logged
        indexes = [models.Index(fields=["client_id", "kind", "action", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.kind} of {self.client_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("the access log is append-only")


# A practitioner's or assistant's membership is read on every page of theirs (the menu, the
# workspace's check, the access log's practice name): one statement compiled once per process from
# `Membership.objects.filter(user=…)` with its practice's columns (lijfwijs.core.statements), the
# row made models with the ORM's converters, instead of a select_related query built per request.
_NO_ACCOUNT = -604_211_987  # the stand-in for the person in the compiled statement


@cache
def _membership_statement() -> tuple[tuple[str, ...], tuple[str, ...], Compiled]:
    own = tuple(f.attname for f in Membership._meta.concrete_fields)
    practice = tuple(f.attname for f in Practice._meta.concrete_fields)
    statement = Compiled(
        "membership",
        lambda: Membership.objects.filter(user_id=_NO_ACCOUNT).values_list(
            *own, *(f"practice__{name}" for name in practice)
        ),
        user=Slot(_NO_ACCOUNT, None),
    )
    return own, practice, statement


def _membership_of(user_id: int) -> "Membership | None":
    own, practice, statement = _membership_statement()
    rows = statement.rows(user=user_id)
    if not rows:
        return None
    row = rows[0]
    membership = Membership.from_db(DEFAULT_DB_ALIAS, own, row[: len(own)])
    membership._state.fields_cache["practice"] = Practice.from_db(
        DEFAULT_DB_ALIAS, practice, row[len(own) :]
    )
    return membership
