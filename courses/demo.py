"""Demo page tree and the seed programmes, written as Python data (idempotent)."""

import json
from decimal import Decimal

from django.conf import settings
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.models import Locale, Page, Site

from accounts.models import County

from . import demo_translations as tr
from .catalogue_pages import CourseIndexPage, HomePage
from .pages import CourseFormat, CoursePage, PartKind, ProgrammePage, ProgrammePart
from .permissions import ensure_coordinator_page_permissions
from .snippets import Provider, TargetGroup, Topic, Venue

SOUTH_EAST = ["Põlva maakond", "Valga maakond", "Võru maakond"]

TOPICS = [
    ("Vaimne tervis", "Mental health"), ("Sõltuvused", "Addiction"), ("Lähisuhtevägivald", "Domestic violence"),
    ("Juhtimine", "Management"), ("Digilahendused", "Digital tools"), ("Perede toetamine", "Family support"),
    ("Turvalisus ja võrgustikutöö", "Safety and networking"), ("Kool ja õppimine", "School and learning"),
]
TARGET_GROUPS = [
    ("Lastekaitsetöötajad", "Child-protection workers"), ("Sotsiaaltöötajad", "Social workers"),
    ("Politseiametnikud", "Police officers"), ("Õpetajad", "Teachers"),
    ("Ohvriabi töötajad", "Victim-support workers"), ("Perekeskuste töötajad", "Family-centre staff"),
]
PROVIDERS = [
    ("Sotsiaalkindlustusamet", "https://sotsiaalkindlustusamet.ee", "info@sotsiaalkindlustusamet.ee", "+372 612 1360"),
    ("Tervise Arengu Instituut", "https://www.tai.ee", "info@tai.ee", "+372 659 3900"),
    ("Kagu-Eesti koolituskonsortsium", "", "koolitus@kagu-eesti.example.ee", ""),
]
VENUES = [
    ("Võru Kultuurimaja Kannel", "Liiva 13, Võru", "Võru maakond",
     "Astmeteta sissepääs, lift teisele korrusele, induktsioonsilmus saalis."),
    ("Põlva Kultuuri- ja Huvikeskus", "Kesk 15, Põlva", "Põlva maakond", "Astmeteta sissepääs, invaparkimine."),
    ("Sotsiaalkindlustusameti koolitusruum", "Endla 8, Tallinn", "Harju maakond",
     "Lift, ligipääsetav tualett, parkimine tänaval."),
]
ESF_FUNDING = "Euroopa Sotsiaalfond+ (ESF+) ja riigieelarve"
ESF_SHARE = 85

# Goals, expected outcomes and further facts per course slug (Estonian; English and Russian versions of every
# text are in courses/demo_translations.py).
DETAILS = {
    "eakate-vaimne-tervis": {
        "goals": ["märgata eaka inimese depressiooni, ärevust ja mälu muutusi",
                  "toetada eakat ja tema lähedasi ning suunata vajadusel abi juurde"],
        "outcomes": ["osaleja tunneb ära vaimse tervise muutuste esmased märgid",
                     "osaleja oskab koostada koos eakaga toetusplaani"],
    },
    "nutikad-abivahendid-ja-it": {
        "goals": ["tutvuda nutikate abivahendite ja kaugteenustega"],
        "outcomes": ["osaleja oskab soovitada sobivat abivahendit ja kaugteenust"],
        "format": CourseFormat.HYBRID,
    },
    "sõltuvusained-ja-sõltuvusega-inimesed": {
        "goals": ["mõista sõltuvuse kujunemist ja märgata seda varakult", "harjutada motiveerivat intervjueerimist"],
        "outcomes": ["osaleja oskab kasutada motiveeriva intervjueerimise põhivõtteid"],
    },
    "tõhus-meeskonna-ja-muudatuste-juhtimine": {
        "goals": ["juhtida meeskonda muutuste ajal", "ennetada töötajate läbipõlemist"],
        "outcomes": ["osaleja koostab oma osakonna muudatuste kava"],
    },
    "hea-käitumise-mäng-õpetajatele": {
        "goals": ["õppida kasutama Hea Käitumise Mängu oma klassis"],
        "outcomes": ["õpetaja rakendab mängu klassis ja saab mentorilt tagasisidet"],
        "prerequisites": "Töötad 1.–6. klassi õpetajana.",
    },
    "hea-käitumise-mängu-koolitajate-koolitus": {
        "goals": ["valmistada ette Hea Käitumise Mängu koolitajad"],
        "outcomes": ["koolituse läbinu võib anda Hea Käitumise Mängu koolitust õpetajatele"],
        "prerequisites": "Oled läbinud Hea Käitumise Mängu koolituse ja kasutanud mängu vähemalt ühe õppeaasta.",
    },
    "lähisuhtevägivalla-juhtumikorraldus": {
        "goals": ["hinnata lähisuhtevägivalla riske", "korraldada juhtumit koos politsei ja ohvriabiga"],
        "outcomes": ["osaleja oskab kasutada riskihindamise küsimustikku ja MARAC-i töökorda"],
        "format": CourseFormat.ONLINE,
    },
    "maakondlik-turvavõrgustik": {
        "goals": ["luua maakonnas toimiv laste turvalisuse võrgustik"],
        "outcomes": ["osaleja teab, kuidas võrgustiku liikmed info jagamisel koostööd teevad"],
    },
    "turvavõrgustiku-koolitajate-koolitus": {
        "goals": ["valmistada ette maakondliku turvavõrgustiku koolituse koolitajad"],
        "outcomes": ["koolituse läbinu võib anda maakondliku turvavõrgustiku koolitust"],
        "prerequisites": "Oled läbinud maakondliku turvavõrgustiku koolituse.",
    },
    "perepesa-perekeskuse-töötajatele": {
        "goals": ["toetada peresid raseduse ajast lapse kooliminekuni",
                  "koguda osalejatelt süstemaatiliselt tagasisidet ja kasutada seda teenuse arendamisel"],
        "outcomes": ["perekeskuse töötaja oskab kavandada peredele sobivaid tegevusi",
                     "osaleja kasutab pärast iga kohtumist tagasiside küsimustikku"],
        "body": "Perepesa koolituses kogume igalt osalejalt pärast iga koolituspäeva süstemaatiliselt tagasisidet "
                "ning arutame tulemusi järgmise päeva alguses. Sama tagasiside kogumise viisi õpid kasutama ka "
                "oma perekeskuses.",
    },
    "lapsendaja-ja-kasupere-toetamine": {
        "goals": ["mõista kiindumust ja trauma mõju lapsele"],
        "outcomes": ["osaleja oskab pakkuda lapsendaja- ja kasuperele nende vajadustele vastavat tuge"],
        "language": "et",
    },
}

# slug, title, summary (et), summary (en: the old per-field English, unused), hours, topics, target groups,
# provider, counties, extra fields
COURSES = [
    ("eakate-vaimne-tervis", "Eakate vaimne tervis",
     "Kuidas märgata eaka inimese depressiooni, ärevust ja mälu muutusi ning toetada teda ja tema lähedasi.",
     "Recognising depression, anxiety and memory changes in older people, and supporting them and their families.",
     32, ["Vaimne tervis"], ["Sotsiaaltöötajad"], "Kagu-Eesti koolituskonsortsium", SOUTH_EAST, {}),
    ("nutikad-abivahendid-ja-it", "Nutikad abivahendid ja IT sotsiaaltöös",
     "Nutikad abivahendid, kaugteenused ja digilahendused, mis aitavad inimesel kauem kodus toime tulla.",
     "Smart aids, remote services and IT that help people live independently at home for longer.",
     32, ["Digilahendused"], ["Sotsiaaltöötajad"], "Kagu-Eesti koolituskonsortsium", SOUTH_EAST, {}),
    ("sõltuvusained-ja-sõltuvusega-inimesed", "Sõltuvusained ja töö sõltuvusega inimestega",
     "Alkohol, narkootikumid ja käitumuslikud sõltuvused: märkamine, motiveeriv intervjueerimine ja võrgustik.",
     "Alcohol, drugs and behavioural addictions: recognition, motivational interviewing and referral.",
     32, ["Sõltuvused"], ["Sotsiaaltöötajad", "Lastekaitsetöötajad"], "Kagu-Eesti koolituskonsortsium",
     SOUTH_EAST, {}),
    ("tõhus-meeskonna-ja-muudatuste-juhtimine", "Tõhus meeskonna- ja muudatuste juhtimine",
     "Meeskonna juhtimine, muudatuste elluviimine ja läbipõlemise ennetamine kohaliku omavalitsuse sotsiaalosakonnas.",
     "Leading teams and change, and preventing burnout, in a municipal social department.",
     32, ["Juhtimine"], ["Sotsiaaltöötajad"], "Kagu-Eesti koolituskonsortsium", SOUTH_EAST, {}),
    ("hea-käitumise-mäng-õpetajatele", "Hea Käitumise Mäng (GBG) 1.–6. klassi õpetajatele",
     "Tõenduspõhine klassijuhtimise meetod, mis vähendab probleemset käitumist ja toetab laste koostööd.",
     "Good Behavior Game: an evidence-based classroom method for grades 1-6 that reduces disruptive behaviour.",
     24, ["Kool ja õppimine"], ["Õpetajad"], "Tervise Arengu Instituut", [],
     {"requires_qualified_trainers": True}),
    ("hea-käitumise-mängu-koolitajate-koolitus", "Hea Käitumise Mängu koolitajate koolitus",
     "Õpetajatele ja tugispetsialistidele, kes hakkavad ise õpetajaid Hea Käitumise Mängu kasutama õpetama.",
     "Trainer training for teachers and school staff who will train other teachers in the Good Behavior Game.",
     40, ["Kool ja õppimine"], ["Õpetajad"], "Tervise Arengu Instituut", [],
     {"qualifies": "hea-käitumise-mäng-õpetajatele", "requires_qualified_trainers": True,
      "trainer_course": "hea-käitumise-mäng-õpetajatele"}),
    ("lähisuhtevägivalla-juhtumikorraldus", "Lähisuhtevägivalla juhtumikorraldus",
     "Lähisuhtevägivalla juhtumite võrgustikupõhine korraldamine: riskihindamine, MARAC ja ohvri toetamine.",
     "Case management of domestic violence across agencies: risk assessment, MARAC and victim support.",
     40, ["Lähisuhtevägivald"], ["Lastekaitsetöötajad", "Politseiametnikud", "Ohvriabi töötajad"],
     "Sotsiaalkindlustusamet", [], {}),
    ("maakondlik-turvavõrgustik", "Maakondliku turvavõrgustiku koolitus",
     "Lapse heaolu ja turvalisuse nimel koos töötamine: lastekaitse, politsei, kool ja ohvriabi ühes võrgustikus.",
     "Working together for children's safety: child protection, police, schools and victim support as one network.",
     24, ["Turvalisus ja võrgustikutöö"], ["Lastekaitsetöötajad", "Politseiametnikud", "Õpetajad"],
     "Sotsiaalkindlustusamet", [], {"requires_qualified_trainers": True}),
    ("turvavõrgustiku-koolitajate-koolitus", "Turvavõrgustiku koolitajate koolitus",
     "Maakondliku turvavõrgustiku koolituse läbinutele, kes hakkavad seda koolitust oma maakonnas ise andma.",
     "Train-the-trainer course: graduates become certified trainers of the county safety-network course.",
     32, ["Turvalisus ja võrgustikutöö"], ["Lastekaitsetöötajad", "Politseiametnikud"], "Sotsiaalkindlustusamet",
     [], {"qualifies": "maakondlik-turvavõrgustik", "requires_qualified_trainers": True,
          "trainer_course": "maakondlik-turvavõrgustik"}),
    ("perepesa-perekeskuse-töötajatele", "Perepesa: perekeskuse töötajate koolitus",
     "Kohaliku omavalitsuse perekeskuse töötajatele: peredega töö raseduse ajast kuni lapse kooliminekuni. "
     "Koolituse käigus kogume osalejatelt süstemaatiliselt tagasisidet.",
     "For staff of municipal family centres: working with families from pregnancy to school age, "
     "with systematic participant feedback after every training day.",
     24, ["Perede toetamine"], ["Perekeskuste töötajad", "Sotsiaaltöötajad"], "Sotsiaalkindlustusamet", [], {}),
    ("lapsendaja-ja-kasupere-toetamine", "Lapsendajate ja kasuperede toetamine",
     "Lapsendaja- ja kasuperede toetamine: kiindumus, trauma ja perede vajadustele vastav tugi.",
     "Supporting adoptive and foster families: attachment, trauma and support that fits each family.",
     16, ["Perede toetamine"], ["Sotsiaaltöötajad", "Lastekaitsetöötajad"], "Sotsiaalkindlustusamet", [], {}),
]

SOUTH_EAST_PROGRAMME = {
    "slug": "kagu-eesti-spetsialistide-arenguprogramm",
    "title": "Kagu-Eesti sotsiaalvaldkonna spetsialistide arenguprogramm",
    "summary": "Põlva-, Valga- ja Võrumaa omavalitsuste spetsialistidele: neli teemakoolitust kokku 128 akadeemilist "
               "tundi, infoseminarid, nõustamine, kaks õppereisi ja teenusedisaini etapp.",
    "parts": [
        (PartKind.INFO_SEMINAR, None, "Avaseminar ja infopäev", None, False),
        (PartKind.COURSE, "eakate-vaimne-tervis", "", None, True),
        (PartKind.COURSE, "nutikad-abivahendid-ja-it", "", None, True),
        (PartKind.COURSE, "sõltuvusained-ja-sõltuvusega-inimesed", "", None, True),
        (PartKind.COURSE, "tõhus-meeskonna-ja-muudatuste-juhtimine", "", None, True),
        (PartKind.COUNSELLING, None, "Individuaalne ja grupinõustamine", None, False),
        (PartKind.STUDY_TRIP, None, "Õppereis: Soome sotsiaalteenused", None, False),
        (PartKind.STUDY_TRIP, None, "Õppereis: Läti perekeskused", None, False),
        (PartKind.SERVICE_DESIGN, None, "Teenusedisaini etapp: uus teenus oma omavalitsusse", None, False),
    ],
}


LANGUAGES = ("en", "ru")


def _locales() -> tuple[Locale, dict[str, Locale]]:
    default = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)[0]
    return default, {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}


def _translate_snippet(source, locales, names: dict[str, str]) -> None:
    """The snippet's English and Russian versions (copies for translation with the translated name)."""
    for code, locale in locales.items():
        translated = source.get_translation_or_none(locale)
        if translated is None:
            translated = source.copy_for_translation(locale)
        if translated.pk is None or translated.name != names[code]:
            translated.name = names[code]
            translated.save()


def _snippets():
    default, locales = _locales()
    for name, name_en in TOPICS:
        topic, _created = Topic.objects.update_or_create(slug=slugify(name_en), locale=default,
                                                         defaults={"name": name})
        _translate_snippet(topic, locales, tr.TOPICS[name])
    for name, name_en in TARGET_GROUPS:
        group, _created = TargetGroup.objects.update_or_create(slug=slugify(name_en), locale=default,
                                                               defaults={"name": name})
        _translate_snippet(group, locales, tr.TARGET_GROUPS[name])
    for name, website, email, phone in PROVIDERS:
        provider, _created = Provider.objects.update_or_create(
            name=name, locale=default, defaults={"website": website, "email": email, "phone": phone})
        _translate_snippet(provider, locales, tr.PROVIDERS[name])
    for name, address, county, notes in VENUES:
        Venue.objects.update_or_create(name=name, locale=default, defaults={
            "address": address, "accessibility_notes": notes, "county": County.objects.get(name=county)})


def _html_list(items) -> str:
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def _texts(slug: str, title: str, hours) -> dict:
    """The translatable texts of a course page (Estonian)."""
    details = DETAILS.get(slug, {})
    return {
        "goals": _html_list(details.get("goals", [])),
        "outcomes": _html_list(details.get("outcomes", [])),
        "prerequisites": f"<p>{escape(details['prerequisites'])}</p>" if details.get("prerequisites") else "",
        "certificate_text": f"Osales koolitusel „{title}“ mahus {hours} akadeemilist tundi.",
        "funding": ESF_FUNDING,
        "body": _body(details.get("body"), "Korduma kippuvad küsimused", [
            ("Kas koolitus on osalejale tasuta?", f"Jah. Koolitust rahastab {ESF_FUNDING}; ESF+ osa on {ESF_SHARE}%."),
            ("Millal saan tunnistuse?", "Tunnistuse saad, kui oled osalenud vähemalt 80% akadeemilistest tundidest."),
        ]),
    }


def _body(paragraph: str | None, faq_heading: str, faq: list[tuple[str, str]]) -> list:
    body = [("paragraph", f"<p>{escape(paragraph)}</p>")] if paragraph else []
    body.append(("faq", {"heading": faq_heading, "items": [
        {"question": question, "answer": f"<p>{escape(answer)}</p>"} for question, answer in faq]}))
    return body


def _translated_texts(slug: str, language: str, hours) -> dict:
    """The same texts in English or Russian (courses/demo_translations.py)."""
    data = tr.COURSES[slug][language]
    faq = tr.FAQ[language]
    funding = tr.FUNDING[language]
    return {
        "title": data["title"], "summary": data["summary"],
        "goals": _html_list(data["goals"]), "outcomes": _html_list(data["outcomes"]),
        "prerequisites": f"<p>{escape(data['prerequisites'])}</p>" if data.get("prerequisites") else "",
        "certificate_text": tr.CERTIFICATE[language].format(title=data["title"], hours=hours),
        "funding": funding,
        "body": _body(data.get("body"), faq["heading"], [
            (question, answer.format(funding=funding, share=ESF_SHARE)) for question, answer in faq["items"]]),
    }


def _details(slug: str, title: str, hours) -> dict:
    details = DETAILS.get(slug, {})
    return {
        "format": details.get("format", CourseFormat.IN_PERSON),
        "language": details.get("language", "et"),
        **_texts(slug, title, hours),
    }


def _tree():
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    if home is None:
        home = HomePage(title="Oskus", slug="oskus-home", intro=(
            "Oskus on koht, kus lastekaitse- ja sotsiaaltöötajad, politseinikud, õpetajad, ohvriabi ja perekeskuste "
            "töötajad leiavad koolitused, registreeruvad, osalevad ja saavad tunnistuse."))
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="Oskus")
    elif site.root_page_id != home.id:
        site.root_page = home
        site.site_name = "Oskus"
        site.save()
    # Wagtail's own welcome page is not part of Oskus.
    for page in Page.objects.filter(depth=2).exclude(pk=home.pk).not_type(HomePage):
        page.delete()
    index = CourseIndexPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    if index is None:
        index = CourseIndexPage(title="Koolitused", slug="koolitused",
                                intro="Sotsiaalvaldkonna spetsialistide koolitused ja arenguprogrammid.")
        home.add_child(instance=index)
        index.save_revision().publish()
    return home, index


def _without_ids(value):
    """Page data as JSON-like values without the block ids a StreamField hands out anew on every save."""
    if isinstance(value, str) and value.startswith("[{"):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return {key: _without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def _content(page) -> dict:
    return _without_ids(json.loads(json.dumps(page.serializable_data(), default=str)))


def _upsert(index, model, slug, fields, m2m=None):
    """Create the page, or refresh it; a new revision is published only when the seed content changed."""
    page = model.objects.filter(slug=slug, locale__language_code=settings.LANGUAGE_CODE).first()
    before = None
    if page is None:
        page = model(slug=slug, **fields)
        index.add_child(instance=page)
    else:
        before = _content(page)
        for key, value in fields.items():
            setattr(page, key, value)
    for key, values in (m2m or {}).items():
        getattr(page, key).set(values)
    if before is None or page.has_unpublished_changes or _content(page) != before:
        page.save_revision().publish()
    return model.objects.get(pk=page.pk)


def load(stdout=None) -> dict[str, object]:
    _snippets()
    home, index = _tree()
    pages = {}
    for slug, title, summary, _summary_en, hours, topics, groups, provider, counties, extra in COURSES:
        fields = {
            "title": title, "summary": summary,
            "academic_hours": Decimal(hours).quantize(Decimal("0.1")),
            "provider": Provider.objects.get(name=provider, locale__language_code=settings.LANGUAGE_CODE),
            "funding_share": ESF_SHARE, "requires_qualified_trainers": extra.get("requires_qualified_trainers", False),
            **_details(slug, title, hours),
        }
        m2m = {"topics": Topic.objects.filter(name__in=topics, locale__language_code=settings.LANGUAGE_CODE),
               "target_groups": TargetGroup.objects.filter(name__in=groups,
                                                           locale__language_code=settings.LANGUAGE_CODE),
               "eligible_counties": County.objects.filter(name__in=counties)}
        pages[slug] = _upsert(index, CoursePage, slug, fields, m2m)
    for slug, *_rest, extra in COURSES:
        if "qualifies" in extra:
            page = pages[slug]
            wanted = (pages[extra["qualifies"]].pk, pages[extra["trainer_course"]].pk)
            if (page.qualifies_for_id, page.trainer_qualification_course_id) != wanted:
                page.qualifies_for_id, page.trainer_qualification_course_id = wanted
                page.save_revision().publish()
    data = SOUTH_EAST_PROGRAMME
    programme = _upsert(index, ProgrammePage, data["slug"], {
        "title": data["title"], "summary": data["summary"],
        "provider": Provider.objects.get(name="Kagu-Eesti koolituskonsortsium",
                                         locale__language_code=settings.LANGUAGE_CODE),
        "funding": ESF_FUNDING,
        "intro": "<p>Programm koosneb neljast 32-tunnisest teemakoolitusest (kokku 128 akadeemilist tundi). "
                 "Neid toetavad infoseminarid, individuaalne ja grupinõustamine, kaks õppereisi ning "
                 "teenusedisaini etapp, kus iga omavalitsus kavandab oma uue teenuse.</p>",
    }, {"eligible_counties": County.objects.filter(name__in=SOUTH_EAST)})
    wanted = [(kind, pages[course_slug].pk if course_slug else None, title, hours, counts)
              for kind, course_slug, title, hours, counts in data["parts"]]
    stored = [(p.kind, p.course_id, p.title, p.academic_hours, p.counts_towards_total)
              for p in programme.parts.order_by("sort_order", "pk")]
    if stored != wanted:
        programme.parts.all().delete()
        for order, (kind, course_id, title, hours, counts) in enumerate(wanted):
            ProgrammePart.objects.create(page=programme, sort_order=order, kind=kind, course_id=course_id,
                                         title=title, academic_hours=hours, counts_towards_total=counts)
        programme.save_revision().publish()
    pages[data["slug"]] = programme
    _translations(home, index, pages, programme)
    ensure_coordinator_page_permissions()
    if stdout:
        stdout.write(f"Demo pages: {len(pages)} courses and programmes under {index.url}")
    return pages


def _translate_page(page, locale, fields: dict, parts: dict | None = None):
    """The page's translation into `locale` (a copy for translation, made once, with its parents), its texts set
    from `fields` (and a programme's part titles from `parts`); published when anything changed."""
    translated = page.get_translation_or_none(locale)
    if translated is None:
        translated = page.copy_for_translation(locale, copy_parents=True)
    translated = translated.specific
    before = _content(translated)
    for key, value in fields.items():
        setattr(translated, key, value)
    if parts is not None:
        translated_parts = list(translated.parts.all())
        for part in translated_parts:
            if part.title:
                part.title = parts.get(part.title, part.title)
        translated.parts = translated_parts  # modelcluster: the changed parts go into the revision
    if not translated.live or translated.has_unpublished_changes or _content(translated) != before:
        translated.save_revision().publish()
    return translated


def _translations(home, index, pages, programme) -> None:
    """English and Russian versions of the home page, the catalogue and every seed page (wholly translated:
    tests/test_demo.py checks no Estonian text is left)."""
    _default, locales = _locales()
    for code, locale in locales.items():
        _translate_page(home, locale, tr.HOME[code])
        _translate_page(index, locale, tr.CATALOGUE[code])
        for slug, _title, _summary, _summary_en, hours, *_rest in COURSES:
            _translate_page(pages[slug], locale, _translated_texts(slug, code, hours))
        data = tr.PROGRAMME[code]
        estonian_titles = {title: translated for title, translated in data["parts"].items()}
        _translate_page(programme, locale, {
            "title": data["title"], "summary": data["summary"], "intro": f"<p>{escape(data['intro'])}</p>",
            "funding": tr.FUNDING[code]}, parts=estonian_titles)
