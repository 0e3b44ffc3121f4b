"""Where pending analyses go and who owns them: owners, leasing and dispatch, without running a scrape."""

import os
import socket
from datetime import UTC, datetime

import pytest

from core.jobs import dispatch, threads
from core.jobs.leasing import pending_owner, queue_mode
from core.jobs.owners import QUEUED_OWNER, owner_is_alive, process_owner
from core.settings import override
from core.storage import analyses as store
from core.storage.engine import get_database


def test_this_process_owns_what_it_runs_and_is_alive():
    assert process_owner().startswith(f"{socket.gethostname()}:{os.getpid()}:")
    assert owner_is_alive(process_owner())


def test_a_process_id_that_does_not_exist_on_this_host_is_not_alive():
    assert not owner_is_alive(f"{socket.gethostname()}:999999999:1")


def test_no_owner_or_a_malformed_one_is_not_alive():
    assert (owner_is_alive(None), owner_is_alive(""), owner_is_alive("no-colons")) == (False, False, False)


def test_the_celery_queue_and_other_hosts_count_as_alive():
    assert owner_is_alive(QUEUED_OWNER) and owner_is_alive("another-host:1:1")


def test_an_unknown_queue_mode_is_refused_with_its_name():
    with override(queue="carrier-pigeon"), pytest.raises(ValueError, match="carrier-pigeon"):
        queue_mode()


def test_with_celery_a_pending_analysis_belongs_to_the_queue_without_a_lease():
    with override(queue="celery"):
        assert pending_owner() == (QUEUED_OWNER, None)


def test_with_threads_a_pending_analysis_belongs_to_this_process_with_a_lease_ahead():
    with override(queue="thread", lease_seconds=30.0):
        owner, lease_until = pending_owner()
    assert owner == process_owner()
    assert 25 < (lease_until - datetime.now(UTC)).total_seconds() <= 30


def test_thread_dispatch_hands_each_id_to_this_process_pool(tmp_path, monkeypatch):
    submitted = []

    class RecordingRunner:
        def submit(self, analysis_id, db=None):
            submitted.append(analysis_id)

    monkeypatch.setattr(threads, "get_runner", lambda: RecordingRunner())
    with override(queue="thread"):
        dispatch.dispatch_many(["a", "b"])
    assert submitted == ["a", "b"]


def test_queue_status_in_thread_mode_counts_pending_and_running_analyses(tmp_path):
    db = get_database(f"sqlite:///{tmp_path / 'jobs.db'}")
    store.insert_analyses(db, ["one", "two"], None, process_owner())
    with override(queue="thread", workers=3):
        status = dispatch.queue_status(db)
    assert (status["ok"], status["mode"], status["queued"], status["running"], status["threads"]) == \
        (True, "thread", 2, 0, 3)
