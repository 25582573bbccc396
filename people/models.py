import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.compiled import CompiledQuery

from .professions import Profession


def new_calendar_token():
    return secrets.token_urlsafe(24)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person, identified by email address (no username)."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    profession = models.CharField(
        _("profession"), max_length=32, choices=Profession.choices, blank=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="nb"
    )
    calendar_token = models.CharField(
        max_length=48, unique=True, default=new_calendar_token, editable=False
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    # When the person was told their unused account will be deleted (people.services.retention);
    # cleared when they sign in again.
    retention_warned_at = models.DateTimeField(
        _("warned of deletion"), null=True, blank=True, editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def current_membership(self):
        """The person's current employer membership (one query, cached per instance)."""
        if not hasattr(self, "_current_membership"):
            found = _current_membership(self.pk) if self.pk else []
            self._current_membership = found[0] if found else None
        return self._current_membership

    @property
    def profile_missing(self):
        """Which parts of the profile must be filled before registering for a course."""
        missing = []
        if not self.first_name or not self.last_name:
            missing.append("name")
        if not self.profession:
            missing.append("profession")
        if self.current_membership is None:
            missing.append("employer")
        return missing

    @property
    def profile_complete(self):
        return not self.profile_missing


# Compiled once: asked on every registration, and building the query cost more than running it.
_current_membership = CompiledQuery(
    lambda user_id: (
        User.memberships.rel.related_model.objects.current()
        .filter(user_id=user_id)
        .select_related("organisation")[:1]
    )
)


class ProfessionOption(models.Model):
    """One row per ``Profession`` code, so that pages can relate to professions (a course's
    audience) with an ordinary many-to-many field. Labels come from ``Profession`` so they are
    translated; rows are created by a migration."""

    code = models.CharField(_("code"), max_length=32, primary_key=True, choices=Profession.choices)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("profession")
        verbose_name_plural = _("professions")
        ordering = ["sort_order"]

    def __str__(self):
        return str(Profession(self.code).label)
