"""Calendar files for sessions: public downloads, the personal feed, and iTIP invitations in e-mails.

Modules by subject: `ics` (building VCALENDAR/VEVENT/VTIMEZONE), `selectors` (reads), `services` (feed
tokens, SEQUENCE bumps), `receivers` (signal receivers keeping SEQUENCE right), `invitations` (e-mail
attachments), `feeds` (views), `urls`. See docs/calendar.md.
"""
