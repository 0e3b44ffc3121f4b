"""Operations: Prometheus metrics (``/metrics``), heartbeats and built-in system alerts.

- ``instagram_requests``: the request counter every Instagram call goes through (``record_instagram_request``).
- ``store_collector``: figures that live in the store (analyses, queue, workers, exports), read at scrape time.
- ``process_metrics``: this process's own counters and histograms (durations, watch runs, build info).
- ``exposition``: the registry ``/metrics`` and ``--metrics-port`` serve.
- ``figures``: the same figures for the Health page, ``health --json`` and the built-in alerts.
- ``system_alerts``: built-in alerts for one machine without Prometheus, sent through the alert webhook.
- ``housekeeping``: the chores every long-running process does on its lease-renewal loop.
"""
