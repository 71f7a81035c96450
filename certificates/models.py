"""Certificates and trainer qualifications (see the certificates issue)."""
