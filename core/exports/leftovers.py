"""Partial export files left by a killed process: ``*.part`` files in the export folder and ``reelscope-xlsx-*``
folders in the temporary folder, both holding export data.

A writer holds an exclusive ``flock`` on what it writes (the ``.part`` file itself; a ``.lock`` file inside the
workbook folder) for as long as it writes. The kernel drops the lock when the process dies, even by ``kill -9``,
so ``clean_leftovers`` removes exactly what no live process is writing. It runs at start-up (dashboard, API) and
in housekeeping (``purge``). Where ``flock`` is missing, only leftovers untouched for a day are removed.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux/macOS
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("reelscope.exports")

XLSX_FOLDER_PREFIX = "reelscope-xlsx-"
PART_SUFFIX = ".part"
LOCK_NAME = ".lock"
UNLOCKED_GRACE_SECONDS = 60.0  # a workbook folder without its lock file yet: left alone this long
UNLOCKABLE_AGE_SECONDS = 86400.0


def _lock(handle: BinaryIO) -> None:
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _is_free(path: Path) -> bool:
    """Whether no live process holds ``path``'s lock (False when it cannot be told)."""
    if fcntl is None:
        return time.time() - path.stat().st_mtime > UNLOCKABLE_AGE_SECONDS
    try:
        with open(path, "rb") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
    except OSError:  # held by a live writer (BlockingIOError), or gone
        return False


@contextmanager
def part_file(path: Path | str) -> Iterator[BinaryIO]:
    """``path + ".part"`` opened for writing and locked while written; renamed onto ``path`` when the block ends
    without an error, removed when it fails."""
    final = Path(path)
    partial = final.with_name(final.name + PART_SUFFIX)
    with open(partial, "wb") as out:
        try:
            _lock(out)
            yield out
        except BaseException:
            out.close()
            partial.unlink(missing_ok=True)
            raise
        out.flush()
        os.replace(partial, final)  # still locked: the rename keeps the same open file


@contextmanager
def workbook_folder() -> Iterator[str]:
    """A temporary folder for building a workbook, locked while in use and removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=XLSX_FOLDER_PREFIX) as folder, \
            open(Path(folder) / LOCK_NAME, "wb") as lock:
        _lock(lock)
        yield folder


def clean_leftovers(export_folder: Path | None = None, temp_folder: Path | None = None) -> list[Path]:
    """Remove ``*.part`` files in ``export_folder`` and workbook folders in ``temp_folder`` that no live process
    is writing; return what was removed. Never raises."""
    removed: list[Path] = []
    try:
        if export_folder is not None and export_folder.is_dir():
            for path in export_folder.glob(f"*{PART_SUFFIX}"):
                if path.is_file() and not path.is_symlink() and _is_free(path):
                    path.unlink(missing_ok=True)
                    removed.append(path)
        temp = temp_folder or Path(tempfile.gettempdir())
        for folder in temp.glob(f"{XLSX_FOLDER_PREFIX}*"):
            if not folder.is_dir() or folder.is_symlink():
                continue
            lock = folder / LOCK_NAME
            free = _is_free(lock) if lock.exists() else \
                time.time() - folder.stat().st_mtime > UNLOCKED_GRACE_SECONDS
            if free:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    except OSError:
        log.exception("could not clean partial export files")
    if removed:
        log.info("removed %d partial export files left by a stopped process", len(removed))
    return removed


def clean_export_leftovers() -> list[Path]:
    """``clean_leftovers`` for the configured export folder (``REELSCOPE_EXPORT_DIR``) and the temporary folder."""
    from core.settings import load_settings

    return clean_leftovers(load_settings().export_dir)
