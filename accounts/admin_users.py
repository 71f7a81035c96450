"""Wagtail's user admin, adapted to accounts that have a full name and no username."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import EditView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .audit import personal_data_viewed
from .models import User


class _FullNameMixin(forms.Form):
    first_name = None
    last_name = None
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=True)


class OskusUserCreationForm(_FullNameMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = {"email", "full_name", "is_superuser", "groups"}


class OskusUserEditForm(_FullNameMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        model = User
        fields = {"email", "full_name", "is_active", "is_superuser", "groups"}


class OskusUserEditView(EditView):
    """A person's page in the admin: seeing it is recorded in the audit trail (accounts/audit.py)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        personal_data_viewed(self.request, what="person_detail", obj=self.object, subject_ids=[self.object.pk])
        return context


class UserViewSet(WagtailUserViewSet):
    edit_view_class = OskusUserEditView
    create_template_name = "accounts/admin/user_create.html"
    edit_template_name = "accounts/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return OskusUserEditForm if for_update else OskusUserCreationForm
