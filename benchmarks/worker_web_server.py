"""The web app with the Celery sink, under uvicorn on loopback, for the worker benchmark's webhook figures.

python worker_web_server.py PORT     (store, broker and key from the environment)
"""

from __future__ import annotations

import sys

import uvicorn

from connector_core import ConnectorHost, Integrations
from connector_core.store import open_store
from connector_core.web import create_app
from connector_core.worker import CelerySink
from connector_core.worker import create_app as create_celery_app

if __name__ == "__main__":
    port = int(sys.argv[1])
    integrations = Integrations(ConnectorHost().load(), open_store())
    app = create_app(
        integrations,
        base_url=f"http://127.0.0.1:{port}",
        sink=CelerySink(create_celery_app(), integrations.store),
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
