"""Demo accounts, one or more per role, with documented passwords (README, `make run`)."""

from django.contrib.auth.models import Group

from accounts.models import Municipality, Profession, Profile, User
from accounts.roles import ADMINISTRATORS, COORDINATORS, TRAINERS

DEMO_PASSWORD = "oskus-demo-2026"

# email, full name, profession, organisation, municipality, groups, superuser
DEMO_USERS = [
    ("admin@oskus.ee", "Anu Adminn", Profession.OTHER, "Sotsiaalkindlustusamet", "Tallinn", [ADMINISTRATORS], True),
    ("koordinaator@oskus.ee", "Kadri Koordinaator", Profession.OTHER, "Sotsiaalkindlustusamet", "Tartu linn",
     [COORDINATORS], False),
    ("koolitaja@oskus.ee", "Tiit Tamm", Profession.SOCIAL_WORKER, "Tartu Ülikool", "Tartu linn", [TRAINERS], False),
    ("koolitaja2@oskus.ee", "Liis Lõhmus", Profession.TEACHER, "Tervise Arengu Instituut", "Tallinn", [TRAINERS],
     False),
    ("spetsialist@oskus.ee", "Mari Mägi", Profession.CHILD_PROTECTION, "Võru Vallavalitsus", "Võru vald", [], False),
    ("sotsiaaltootaja@oskus.ee", "Jüri Õunapuu", Profession.SOCIAL_WORKER, "Põlva Vallavalitsus", "Põlva vald", [],
     False),
    ("opetaja@oskus.ee", "Õie Šumann-Žukova", Profession.TEACHER, "Tallinna Kesklinna Kool", "Tallinn", [], False),
    ("politsei@oskus.ee", "Peeter Pärn", Profession.POLICE, "Politsei- ja Piirivalveamet", "Pärnu linn", [], False),
]


def load(stdout=None) -> dict[str, User]:
    """Create or refresh the demo users; e-mail addresses are verified so they can log in at once."""
    from allauth.account.models import EmailAddress

    users = {}
    for email, name, profession, organisation, municipality, groups, superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
        user.full_name = name
        user.is_superuser = superuser
        user.is_staff = superuser
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set(Group.objects.filter(name__in=groups))
        profile, _ = Profile.objects.get_or_create(user=user)
        profile.profession = profession
        profile.organisation = organisation
        profile.municipality = Municipality.objects.get(name=municipality)
        profile.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        users[email] = user
    if stdout:
        stdout.write(f"Demo accounts: {len(users)}")
    return users


def print_logins(stdout) -> None:
    stdout.write("")
    stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
    for email, name, _p, _o, _m, groups, superuser in DEMO_USERS:
        role = "administrator" if superuser else (", ".join(g.lower() for g in groups) or "specialist")
        stdout.write(f"  {email:28} {role:14} {name}")
