"""Search-engine and sharing metadata: meta descriptions and schema.org JSON-LD for course pages."""

from __future__ import annotations

import json
from decimal import Decimal

from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .schedule import CohortFacts

COURSE_MODES = {"in_person": "Onsite", "online": "Online", "hybrid": "Blended"}


def meta_description(page, fallback: str = "") -> str:
    text = page.search_description or getattr(page, "summary", "") or fallback
    return Truncator(strip_tags(text).strip()).chars(160)


def _hours_to_duration(hours: Decimal) -> str:
    minutes = int(Decimal(hours) * 45)
    return f"PT{minutes // 60}H{minutes % 60}M" if minutes % 60 else f"PT{minutes // 60}H"


def course_json_ld(page, *, url: str, cohorts: list[CohortFacts], topics=None, target_groups=None,
                   provider=None) -> dict:
    """schema.org Course with one CourseInstance per upcoming cohort. `page` is the page shown (a translation or
    the source); topics, target groups and provider as shown (default: the page's own)."""
    topics = list(page.topics.all()) if topics is None else topics
    target_groups = list(page.target_groups.all()) if target_groups is None else target_groups
    provider = (page.provider if page.provider_id else None) if provider is None else provider
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": page.title,
        "description": strip_tags(page.summary),
        "url": url,
        "inLanguage": page.language,
        "timeRequired": _hours_to_duration(page.academic_hours),
        "educationalCredentialAwarded": page.certificate_text_public or None,
        "about": [topic.name for topic in topics] or None,
        "audience": [{"@type": "EducationalAudience", "educationalRole": group.name}
                     for group in target_groups] or None,
    }
    if provider is not None:
        organisation = {"@type": "Organization", "name": provider.name}
        if provider.website:
            organisation["sameAs"] = provider.website
        data["provider"] = organisation
    if page.funding:
        data["funding"] = {"@type": "Grant", "name": page.funding}
    instances = []
    for cohort in cohorts:
        instance = {
            "@type": "CourseInstance",
            "name": cohort.title or cohort.code,
            "courseMode": COURSE_MODES.get(page.format, "Onsite"),
            "courseWorkload": _hours_to_duration(page.academic_hours),
        }
        if cohort.starts_at:
            instance["startDate"] = cohort.starts_at.isoformat()
        if cohort.ends_at:
            instance["endDate"] = cohort.ends_at.isoformat()
        if cohort.venue_name:
            instance["location"] = {"@type": "Place", "name": cohort.venue_name,
                                    "address": cohort.venue_address or cohort.venue_name}
        instances.append(instance)
    if instances:
        data["hasCourseInstance"] = instances
    return {key: value for key, value in data.items() if value is not None}


def programme_json_ld(page, *, url: str, total_hours: Decimal, provider=None) -> dict:
    provider = (page.provider if page.provider_id else None) if provider is None else provider
    data = {
        "@context": "https://schema.org",
        "@type": "EducationalOccupationalProgram",
        "name": page.title,
        "description": strip_tags(page.summary),
        "url": url,
        "timeToComplete": _hours_to_duration(total_hours),
    }
    if provider is not None:
        data["provider"] = {"@type": "Organization", "name": provider.name}
    return data


def json_ld_script(data: dict) -> str:
    """Serialize for a <script type="application/ld+json"> element, safe against '</script>' in content."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped above
