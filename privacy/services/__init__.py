"""Every change privacy makes: downloads (exports.py), erasure (erasure.py), retention (retention.py)."""
