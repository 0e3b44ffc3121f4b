"""prometheus_client's multiprocess mode for a process that forks workers (a Celery prefork worker): each child
writes its metrics to files in ``PROMETHEUS_MULTIPROC_DIR`` and the parent serves their sum. This module imports no
prometheus_client: the mode must be chosen before that is first imported."""

from __future__ import annotations

import os
import sys
import tempfile


def use_multiprocess_mode() -> str:
    """Set ``PROMETHEUS_MULTIPROC_DIR`` to a fresh folder unless set; the folder in use."""
    if "prometheus_client" in sys.modules and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        raise RuntimeError("choose the multiprocess mode before prometheus_client is imported")
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="reelscope-metrics-")
    return os.environ["PROMETHEUS_MULTIPROC_DIR"]
