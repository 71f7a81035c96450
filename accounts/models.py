"""Users, their profiles, and Estonia's counties and municipalities."""

import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    """Users are identified by e-mail; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account; the e-mail address is the log-in."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name.split(" ")[0] if self.full_name else self.email)

    # Wagtail's user listing asks for these.
    @property
    def first_name_display(self):  # pragma: no cover - display helper
        return self.get_short_name()


class County(models.Model):
    """One of Estonia's 15 counties (maakond)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("EHAK code"), max_length=4, unique=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Municipality(models.Model):
    """One of Estonia's 79 municipalities (vald or linn), in its county."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities",
                               verbose_name=_("county"))

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Profession(models.TextChoices):
    CHILD_PROTECTION = "child_protection", _("Child-protection worker")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    POLICE = "police", _("Police officer")
    TEACHER = "teacher", _("Teacher")
    VICTIM_SUPPORT = "victim_support", _("Victim-support worker")
    FAMILY_CENTRE = "family_centre", _("Family-centre worker")
    OTHER = "other", _("Other")


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class Profile(models.Model):
    """What a specialist tells about their work; used for eligibility and reports."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    profession = models.CharField(_("profession"), max_length=32, choices=Profession.choices, blank=True)
    organisation = models.CharField(_("employer organisation"), max_length=200, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="profiles", verbose_name=_("municipality"))
    calendar_token = models.CharField(_("calendar feed key"), max_length=64, unique=True,
                                      default=new_calendar_token, editable=False)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)

    @property
    def county(self):
        return self.municipality.county if self.municipality_id else None

    @property
    def is_complete(self) -> bool:
        return bool(self.user.full_name and self.profession and self.municipality_id)


class PersonalDataAccess(User):
    """The audit log of staff looking at people's data (accounts/audit.py): its entries are Wagtail log entries
    about the member of staff who looked; only administrators hold this model's permissions, so only they read
    them (Reports → Site history)."""

    class Meta:
        proxy = True
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data access log")
