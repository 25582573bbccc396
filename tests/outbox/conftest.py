from tests.worker import redis_turn, smtp_server, worker, worker_settings  # noqa: F401 - fixtures
