"""The data migrations and post_migrate hooks normally provide; restored after a transactional test's flush."""


def ensure_base_data() -> None:
    """Content types, permissions, role groups, Estonia's counties and municipalities, Wagtail's root page."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page

    from accounts.administrative_units import COUNTIES
    from accounts.models import County, Municipality
    from accounts.roles import ensure_roles

    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)
    # wagtail-localize makes its "submit translations" permission in a data migration (0006), on a content type
    # of its own
    from django.contrib.auth.models import Permission

    localize_type, _ = ContentType.objects.get_or_create(app_label="wagtail_localize", model="translation")
    Permission.objects.get_or_create(content_type=localize_type, codename="submit_translation",
                                     defaults={"name": "Can submit translations"})
    ensure_roles()
    if not Municipality.objects.exists():
        for county_name, (code, municipalities) in COUNTIES.items():
            county, _ = County.objects.update_or_create(code=code, defaults={"name": county_name})
            for name in municipalities:
                Municipality.objects.update_or_create(name=name, defaults={"county": county})
    locale, _ = Locale.objects.get_or_create(language_code="et")
    for code in ("en", "ru"):  # courses migration 0005
        Locale.objects.get_or_create(language_code=code)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
