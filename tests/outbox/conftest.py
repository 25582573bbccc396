from tests.worker import smtp_server, worker, worker_settings  # noqa: F401 - fixtures
