"""The catalogue's filter form: parses the GET parameters so that a filtered list is a shareable link."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import County

from .pages import CourseFormat, CourseLanguage
from .selectors import CatalogueFilters
from .snippets import TargetGroup, Topic
from .translation import active_language, default_language

FILTER_PARAMS = ("q", "topic", "target_group", "county", "format", "language", "date_from", "date_to", "free")


class _LocalizedLabels:
    """label_from_instance for a choice field of translatable snippets: the name in the active language, read
    with one query the first time a label is needed (none in Estonian, the rows' own language)."""

    def __init__(self, model):
        self.model = model
        self.names = None

    def __call__(self, obj) -> str:
        language = active_language()
        if language == default_language():
            return obj.name
        if self.names is None:
            self.names = dict(self.model.objects.filter(locale__language_code=language)
                              .values_list("translation_key", "name"))
        return self.names.get(obj.translation_key, obj.name)


class CatalogueFilterForm(forms.Form):
    """Every field optional; an invalid value is reported next to its field and otherwise ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.SearchInput(attrs={"placeholder": _("Topic, keyword or title")}))
    # The Estonian (source) rows, which pages point at; their names are shown in the active language.
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none(), required=False,
                                   to_field_name="slug", empty_label=_("All topics"))
    target_group = forms.ModelChoiceField(label=_("Target group"), queryset=TargetGroup.objects.none(),
                                          required=False, to_field_name="slug", empty_label=_("All target groups"))
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.all(), required=False,
                                    empty_label=_("All counties"),
                                    help_text=_("Trainings open to specialists of this county."))
    format = forms.ChoiceField(label=_("Format"), required=False,
                               choices=[("", _("All formats")), *CourseFormat.choices])
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=[("", _("All languages")), *CourseLanguage.choices])
    date_from = forms.DateField(label=_("Starts on or after"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("Starts on or before"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    free = forms.BooleanField(label=_("Only with free places"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in (("topic", Topic), ("target_group", TargetGroup)):
            field = self.fields[name]
            field.queryset = model.objects.filter(locale__language_code=default_language())
            field.label_from_instance = _LocalizedLabels(model)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the date range must not be before its start."))
        return cleaned

    def filters(self) -> CatalogueFilters:
        """The valid filters; a field with an error is treated as not set."""
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        if "date_to" in self.errors:
            data.pop("date_from", None)  # half of a broken range is not what the visitor asked for
        return CatalogueFilters(
            q=(data.get("q") or "").strip(),
            topic=data.get("topic"),
            target_group=data.get("target_group"),
            county=data.get("county"),
            format=data.get("format") or "",
            language=data.get("language") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            free_places=bool(data.get("free")),
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in FILTER_PARAMS)
