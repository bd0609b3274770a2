"""The work behind webhooks and host requests, shared by the web app and the workers.

- `outbox.py`: record work durably before it is acknowledged, run it, and find what was recorded but not
  done (the sweeper's part);
- `delivery.py`: the one hand-over path of orders to the host, exactly once per order version;
- `sink.py`: `WorkSink`, how the web app starts recorded work, and `InProcessSink`, the one-machine sink.
"""
