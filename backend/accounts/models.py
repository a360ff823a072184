"""The custom user: the email address is the login; the role decides which pages are open."""

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with a login.

    `role` says whether someone works for the KI. Volunteers and organisation coordinators are
    both MEMBERs: being a volunteer comes with a volunteer profile, being a coordinator comes with
    a membership in an organisation (see backend/accounts/roles.py).
    """

    class Role(models.TextChoices):
        MEMBER = "member", _("Ehrenamt / Initiative")
        KI_STAFF = "ki_staff", _("KI-Team (Sachbearbeitung)")
        KI_LEAD = "ki_lead", _("KI-Leitung")
        ADMIN = "admin", _("Administration")
        # A town administration's contact: sees that town's figures (directory app).
        MUNICIPAL = "municipal", _("Kommune (Ansprechperson Integration)")

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    first_name = models.CharField(_("Vorname"), max_length=75, blank=True)
    last_name = models.CharField(_("Nachname"), max_length=75, blank=True)
    # "Vorname Nachname", kept by the database: for lists, search and the name order index.
    full_name = models.GeneratedField(
        expression=Trim(Concat("first_name", Value(" "), "last_name")),
        output_field=models.CharField(_("Name"), max_length=151),
        db_persist=True,
    )
    role = models.CharField(_("Rolle"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    language = models.CharField(
        _("Sprache"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(
        _("Zugang zur technischen Administration"),
        default=False,
        help_text=_("Darf die Django-Administration öffnen (nur mit Zwei-Faktor-Anmeldung)."),
    )
    date_joined = models.DateTimeField(_("registriert am"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("Konto")
        verbose_name_plural = _("Konten")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    role__in=["member", "ki_staff", "ki_lead", "admin", "municipal"]
                ),
                name="user_role_valid",
            ),
        ]
        indexes = [
            # The staff volunteer list's order (Lower(full_name), email): with it the first page
            # of 100,000 volunteers is an index scan of 20 rows instead of a sort of all.
            models.Index(
                Lower("full_name"),
                models.F("email"),
                models.F("id"),
                condition=models.Q(is_active=True),
                name="user_active_name_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def name(self) -> str:
        """First and last name, or "" while the person has not given them (accounts made
        before names were asked). Greetings and documents use this, never the address."""
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def get_full_name(self) -> str:
        """The label of the account in lists: the name, else the email address."""
        return self.name or self.email

    @property
    def needs_name(self) -> bool:
        """True while the first or the last name is missing (accounts made before names were
        asked): the onboarding and the account overview ask for it."""
        return not (self.first_name.strip() and self.last_name.strip())

    def get_short_name(self) -> str:
        """The first name: what initiatives see of a volunteer before a confirmation (the
        consent text promises them the first name). Without one, a neutral label, never the
        last name or the email address."""
        return self.first_name or str(_("Ehrenamtliche Person"))
