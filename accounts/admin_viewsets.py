"""The one shape of a read-only Wagtail admin listing, shared by every app's coordinator tools (enrollments,
certificates, the message log): data there changes only through services, so the viewset has no add, edit,
copy or delete views and registers no "edit" links that would lead nowhere."""

NO_WRITE_URLS = ("add_url_name", "edit_url_name", "delete_url_name", "copy_url_name", "history_url_name",
                 "usage_url_name")


class ReadOnlyViewSetMixin:
    """Mix into a `ModelViewSet` before it: listing, filters, search and inspect only."""

    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    exclude_form_fields = []
    list_per_page = 50

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in NO_WRITE_URLS:
            view_kwargs[name] = None
        return view_kwargs

    def register_admin_url_finder(self):
        """No edit view: the admin's "edit" links have nowhere to go."""
