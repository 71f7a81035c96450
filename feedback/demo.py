"""Demo feedback: a default questionnaire after the training for every course, the Good Behavior Game's
follow-ups at 3 and 6 months, and a short questionnaire after each session for Perepesa (whose description
promises feedback after every training day). Built through the services; a second run changes nothing."""

from django.conf import settings

from courses.pages import CoursePage

from . import services
from .models import CourseFeedbackSettings, QuestionKind, Questionnaire

AFTER_TITLE = "Tagasiside koolitusele"
FOLLOW_UP_TITLE = "Hea Käitumise Mäng: kuidas läheb?"
SESSION_TITLE = "Tagasiside õppesessioonile"
GBG_SLUG = "hea-käitumise-mäng-õpetajatele"
PER_SESSION_SLUG = "perepesa-perekeskuse-töötajatele"

AFTER_QUESTIONS = [
    {"kind": QuestionKind.RATING, "required": True,
     "text": "Kui kasulik oli koolitus Teie töö jaoks?", "text_en": "How useful was the training for your work?"},
    {"kind": QuestionKind.RATING, "text": "Kuidas hindate koolitajat?", "text_en": "How do you rate the trainer?"},
    {"kind": QuestionKind.SINGLE, "text": "Kas koolituse maht oli sobiv?", "text_en": "Was the length right?",
     "choices": "Liiga lühike\nSobiv\nLiiga pikk", "choices_en": "Too short\nAbout right\nToo long"},
    {"kind": QuestionKind.MULTIPLE, "text": "Mida kavatsete oma töös kasutada?",
     "text_en": "What do you plan to use in your work?",
     "choices": "Meetodeid\nMaterjale\nKontakte\nMidagi muud",
     "choices_en": "Methods\nMaterials\nContacts\nSomething else"},
    {"kind": QuestionKind.RECOMMEND, "text": "Kui tõenäoliselt soovitaksite seda koolitust kolleegile?",
     "text_en": "How likely are you to recommend this training to a colleague?"},
    {"kind": QuestionKind.TEXT, "text": "Mida peaksime muutma?", "text_en": "What should we change?"},
]
SESSION_QUESTIONS = [
    {"kind": QuestionKind.RATING, "required": True, "text": "Kui kasulik oli see õppesessioon Teie töö jaoks?",
     "text_en": "How useful was this session for your work?"},
    {"kind": QuestionKind.TEXT, "text": "Mis jäi ebaselgeks?", "text_en": "What remained unclear?"},
]
FOLLOW_UP_QUESTIONS = [
    {"kind": QuestionKind.SINGLE, "required": True, "measures_implementation": True,
     "text": "Kas mängite mängu oma klassis?", "text_en": "Are you playing the game in your class?",
     "choices": "Jah\nEi", "choices_en": "Yes\nNo"},
    {"kind": QuestionKind.SINGLE, "text": "Kui sageli?", "text_en": "How often?",
     "choices": "Iga päev\nMitu korda nädalas\nKord nädalas või harvem",
     "choices_en": "Every day\nSeveral times a week\nOnce a week or less"},
    {"kind": QuestionKind.TEXT, "text": "Mis takistab?", "text_en": "What stops you?"},
]


def _questionnaire(title: str, title_en: str, questions: list[dict]) -> Questionnaire:
    existing = Questionnaire.objects.filter(title=title).first()
    return existing or services.questionnaire_create(title=title, title_en=title_en, questions=questions,
                                                     intro="Vastamine võtab umbes 3 minutit.",
                                                     intro_en="Answering takes about 3 minutes.")


def load(stdout=None) -> dict:
    after = _questionnaire(AFTER_TITLE, "Feedback on the training", AFTER_QUESTIONS)
    follow_up = _questionnaire(FOLLOW_UP_TITLE, "Good Behavior Game: how is it going?", FOLLOW_UP_QUESTIONS)
    per_session = _questionnaire(SESSION_TITLE, "Feedback on the session", SESSION_QUESTIONS)
    configured = set(CourseFeedbackSettings.objects.values_list("course_id", flat=True))
    for course in CoursePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).order_by("path"):
        if course.pk in configured:
            continue  # a coordinator's (or an earlier run's) settings stay as they are
        services.course_feedback_configure(
            course=course, questionnaire=after, anonymous=True,
            follow_ups=[(follow_up, 3), (follow_up, 6)] if course.slug == GBG_SLUG else [],
            session_questionnaire=per_session if course.slug == PER_SESSION_SLUG else None)
    if stdout is not None:
        stdout.write("Feedback questionnaires ready.")
    return {"after": after, "follow_up": follow_up, "per_session": per_session}
