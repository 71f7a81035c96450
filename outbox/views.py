"""`/health/`: for load balancers and monitoring. 200 when healthy, 503 with the failing parts otherwise."""

import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .services import queue_health


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def _cache() -> dict:
    key, value = f"health-{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 10)
    ok = cache.get(key) == value
    cache.delete(key)
    return {"ok": ok}


@never_cache
@require_GET
def health(request):
    """Database, cache and task queue (oldest due task's age, last worker heartbeat's age, in seconds)."""
    checks = {}
    for name, check in (("database", _database), ("cache", _cache), ("tasks", queue_health)):
        try:
            checks[name] = check()
        except Exception as exc:  # the check itself failed: that part is unhealthy
            checks[name] = {"ok": False, "error": type(exc).__name__}
    healthy = all(part["ok"] for part in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unhealthy", **checks}, status=200 if healthy else 503)
