"""Attendance models (attendance issue); imported by enrollment/models.py so Django registers them."""
