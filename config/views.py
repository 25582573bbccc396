from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.celery import app as celery_app


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, None
    except Exception as exc:  # any failure means unhealthy; report it, never raise
        return False, exc.__class__.__name__


def _broker_ok():
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, None
    except Exception as exc:
        return False, exc.__class__.__name__


@never_cache
@require_safe
def healthz(request):
    """Database and broker status as JSON: 200 when both answer, 503 when one does not."""
    db_ok, db_error = _database_ok()
    broker_ok, broker_error = _broker_ok()
    healthy = db_ok and broker_ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": {"ok": db_ok, "error": db_error},
        "broker": {"ok": broker_ok, "error": broker_error},
    }
    return JsonResponse(body, status=200 if healthy else 503)
