"""The answering form, built from the questionnaire's questions (labels in the active language)."""

from django import forms
from django.utils.translation import gettext as _

from .models import QuestionKind
from .services import TEXT_MAX_LENGTH, field_name


class ScaleSelect(forms.RadioSelect):
    template_name = "feedback/widgets/scale.html"


def answer_form(questionnaire, data=None, *, initial=None, enforce_required=True) -> forms.Form:
    form = forms.Form(data=data, initial=initial or {})
    for question in questionnaire.questions.all():
        required = question.required and enforce_required
        label = question.display_text
        if question.kind in (QuestionKind.RATING, QuestionKind.RECOMMEND):
            scale = question.scale()
            field = forms.TypedChoiceField(label=label, required=required, widget=ScaleSelect, coerce=str,
                                           choices=[(str(v), str(v)) for v in scale])
            if question.kind == QuestionKind.RATING:
                field.help_text = _("1 = not at all, 5 = very much")
            else:
                field.help_text = _("0 = not at all likely, 10 = extremely likely")
        elif question.kind == QuestionKind.SINGLE:
            field = forms.ChoiceField(label=label, required=required, widget=forms.RadioSelect,
                                      choices=list(enumerate_choices(question.options())))
        elif question.kind == QuestionKind.MULTIPLE:
            field = forms.MultipleChoiceField(label=label, required=required, widget=forms.CheckboxSelectMultiple,
                                              choices=list(enumerate_choices(question.options())))
        else:
            field = forms.CharField(label=label, required=required, max_length=TEXT_MAX_LENGTH,
                                    widget=forms.Textarea(attrs={"rows": 4}))
        form.fields[field_name(question)] = field
    return form


def enumerate_choices(options):
    return ((str(i), option) for i, option in enumerate(options))
