"""The "My trainings" page: the read (`selectors`), its per-person cache (`cache`) and the view (`views`).

The page every participant opens most; its HTML lives in enrollment/templates/enrollment/includes/
(`my_trainings_list.html`, with `session_list.html` and `attendance_progress.html`).
"""
