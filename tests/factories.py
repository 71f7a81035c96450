"""factory_boy factories, one per model. Tests build their own data; the demo command is for people."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from wagtail.models import Page, Site

from accounts.models import County, Municipality, Profession, User
from courses.catalogue_pages import CourseIndexPage, HomePage
from courses.pages import CoursePage, ProgrammePage, ProgrammePart
from courses.snippets import Provider, TargetGroup, Topic, Venue
from enrollment.models import Cohort, Enrollment, EnrollmentStatus, Session

PASSWORD = "correct-horse-battery-9"


def municipality(name: str = "Tartu linn") -> Municipality:
    """Municipalities are shipped data (a migration loads all 79); tests pick one by name."""
    return Municipality.objects.select_related("county").get(name=name)


def county(name: str) -> County:
    return County.objects.get(name=name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.ee")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        """Fill the profile the sign-up signal created: UserFactory(profile__municipality="Võru vald")."""
        if not create:
            return
        profile = obj.profile
        profile.profession = kwargs.get("profession", Profession.SOCIAL_WORKER)
        profile.organisation = kwargs.get("organisation", "Tartu Linnavalitsus")
        profile.municipality = municipality(kwargs.get("municipality", "Tartu linn"))
        profile.save()

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Users can log in at once unless verified=False (allauth requires a verified e-mail)."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if create and extracted:
            from django.contrib.auth.models import Group

            from accounts.roles import ensure_roles

            ensure_roles()
            obj.groups.set(Group.objects.filter(name__in=extracted))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Teema {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class TargetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetGroup
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Sihtrühm {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Koolitaja OÜ {n}")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Keskus {n}")
    address = "Rüütli 1, Tartu"
    county = factory.LazyFunction(lambda: County.objects.get(name="Tartu maakond"))


def home_page() -> HomePage:
    """The site's home page (created once per database, made the default site's root)."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Oskus", slug="oskus-home"))
        Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home,
                                                                      "port": 80, "site_name": "Oskus"})
    return home


def catalogue_page() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        index = home_page().add_child(instance=CourseIndexPage(title="Koolitused", slug="koolitused"))
    return index


class PageFactory(factory.Factory):
    """Wagtail pages are created through add_child under their parent, then published."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, parent=None, m2m=None, publish=True, **kwargs):
        parent = parent or catalogue_page()
        page = parent.add_child(instance=model_class(**kwargs))
        for name, values in (m2m or {}).items():
            getattr(page, name).set(values)
        if publish:
            page.save_revision().publish()
        else:
            page.save_revision()
        return model_class.objects.get(pk=page.pk)


class CoursePageFactory(PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Kursus {n}")
    slug = factory.Sequence(lambda n: f"kursus-{n}")
    summary = "Lühikokkuvõte kursusest."
    academic_hours = Decimal("16")


class ProgrammePageFactory(PageFactory):
    class Meta:
        model = ProgrammePage

    title = factory.Sequence(lambda n: f"Programm {n}")
    slug = factory.Sequence(lambda n: f"programm-{n}")
    summary = "Programmi kokkuvõte."


class ProgrammePartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammePart

    page = factory.SubFactory(ProgrammePageFactory)
    course = factory.SubFactory(CoursePageFactory)
    kind = "course"


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    course = factory.SubFactory(CoursePageFactory)
    code = factory.Sequence(lambda n: f"cohort-{n}")
    capacity = 10
    registration_opens = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    registration_closes = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))

    @factory.post_generation
    def trainers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.trainers.set(extracted)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    cohort = factory.SubFactory(CohortFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=21))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=6))


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    cohort = factory.SubFactory(CohortFactory)
    status = EnrollmentStatus.CONFIRMED


class AttendanceFactory(factory.django.DjangoModelFactory):
    """A mark written directly (tests of the rules use enrollment.attendance.services.attendance_mark)."""

    class Meta:
        model = "enrollment.Attendance"

    enrollment = factory.SubFactory(EnrollmentFactory)
    session = factory.SubFactory(SessionFactory, cohort=factory.SelfAttribute("..enrollment.cohort"))
    status = "present"
    minutes_missed = 0
    marked_at = factory.LazyFunction(timezone.now)


# --- certificates (appended by the certificates engineer) ---------------------------------------

class TrainerQualificationFactory(factory.django.DjangoModelFactory):
    """A qualification written directly (lineage via source_trainers=[...]); services grant them in real life."""

    class Meta:
        model = "certificates.TrainerQualification"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CoursePageFactory)
    granted_at = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    valid_until = factory.LazyAttribute(lambda o: o.granted_at + dt.timedelta(days=3 * 365))

    @factory.post_generation
    def source_trainers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.source_trainers.set(extracted)
