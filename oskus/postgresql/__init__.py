"""Django's PostgreSQL backend with a health check that costs no round trip while the server has said nothing, and
transactions that cost no round trip of their own (transactions.py)."""
