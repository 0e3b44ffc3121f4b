"""A page's write on a store that cannot take it (read-only, disk full, unreachable, busy): one sentence on the page
(core.storage.unavailable), never a traceback with SQL, and nothing changed (each write is one transaction)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from core.storage.unavailable import driver_message, one_line

log = logging.getLogger("reelscope.ui")


@contextmanager
def store_write(what: str) -> Iterator[None]:
    """Run a page's write; if the store refuses it, say ``what`` failed and why, then stop the page run."""
    try:
        yield
    except SQLAlchemyError as exc:
        log.warning("%s failed: %s", what, driver_message(exc))
        st.error(f"{what} failed: nothing was changed. {one_line(exc)}", icon=":material/database:")
        st.stop()
