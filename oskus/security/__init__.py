"""Cross-cutting protections of the site: one log-in door, staff second factor and session limits, and
`Cache-Control: private, no-store` on personal responses (see docs/operations.md, "Security")."""
