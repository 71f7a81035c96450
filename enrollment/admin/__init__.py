"""Coordinator tools in the Wagtail admin, one module per subject (registered by enrollment/wagtail_hooks.py):

- `cohorts`: the cohort viewset (listing with place counts, create / edit through the services, delete);
- `overview`: the per-cohort page;
- `cohort_import`: the CSV import view (upload, dry run, confirm) over `imports`;
- `enrollments`: the read-only enrollments viewset (filters, search, inspect with history, CSV / XLSX);
- `bulk_actions`: approve, reject, cancel and move ticked enrollments through the services;
- `menu`: the "Enrollment" menu grouping both viewsets;
- `forms`, `imports`, `exports`: the forms, the CSV import and the CSV / XLSX export.

Thin by design: views parse input and call `enrollment.services` (every change), `imports`, `exports` or
the read functions here. Only coordinators and administrators get in: the Wagtail admin asks for
`wagtailadmin.access_admin`, the generic views for the model permissions of the Coordinators group, and the
custom views and bulk actions for `accounts.roles.require_coordinator` (`CoordinatorRequiredMixin`).
"""
