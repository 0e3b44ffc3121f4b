"""load_settings is cached per environment and overrides, and never serves settings across a change."""

from __future__ import annotations

from core.settings import load_settings, override


def test_the_same_environment_gets_the_same_settings_object():
    assert load_settings() is load_settings()


def test_a_changed_environment_is_read_at_once(monkeypatch):
    monkeypatch.setenv("REELSCOPE_WORKERS", "3")
    assert load_settings().workers == 3
    monkeypatch.setenv("REELSCOPE_WORKERS", "7")
    assert load_settings().workers == 7
    monkeypatch.delenv("REELSCOPE_WORKERS")
    assert load_settings().workers == 4


def test_an_override_applies_until_it_is_lifted(monkeypatch):
    monkeypatch.setenv("REELSCOPE_QUEUE", "thread")
    with override(queue="celery"):
        assert load_settings().queue == "celery"
    assert load_settings().queue == "thread"
