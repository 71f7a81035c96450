"""Wagtail admin for the course reference data: one SnippetViewSet per snippet, grouped in one menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .snippets import Provider, TargetGroup, Topic, Venue


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug", "locale"]
    search_fields = ["name"]


class TargetGroupViewSet(SnippetViewSet):
    model = TargetGroup
    icon = "group"
    list_display = ["name", "slug", "locale"]
    search_fields = ["name"]


class ProviderViewSet(SnippetViewSet):
    model = Provider
    icon = "site"
    list_display = ["name", "website", "email"]
    search_fields = ["name"]


class VenueViewSet(SnippetViewSet):
    model = Venue
    icon = "home"
    list_display = ["name", "address", "county"]
    list_filter = ["county"]
    search_fields = ["name", "address"]


class CourseDataGroup(SnippetViewSetGroup):
    menu_label = _("Course data")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (TopicViewSet, TargetGroupViewSet, ProviderViewSet, VenueViewSet)


register_snippet(CourseDataGroup)
