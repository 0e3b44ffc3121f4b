"""Issue 22 item 7: a process killed mid-export (kill -9) leaves a locked `*.part` file and a `reelscope-xlsx-*`
folder; start-up and housekeeping remove them, never what a live process is still writing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.exports.leftovers import clean_leftovers

ROOT = Path(__file__).resolve().parents[2]
WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from core.exports.leftovers import part_file, workbook_folder
    with part_file(Path(sys.argv[1]) / "reelscope_x.csv") as out, workbook_folder() as folder:
        out.write(b"secret export data")
        out.flush()
        (Path(folder) / "export.xlsx").write_bytes(b"secret workbook data")
        print(folder, flush=True)
        time.sleep(120)
""")


@pytest.fixture
def killed_writer(tmp_path):
    """(export folder, temp folder, the writer process, its workbook folder) while the writer is still alive."""
    exports, temp = tmp_path / "exports", tmp_path / "tmp"
    exports.mkdir()
    temp.mkdir()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(exports)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)})
    folder = Path(writer.stdout.readline().strip())
    yield exports, temp, writer, folder
    writer.kill()
    writer.wait()


def test_what_a_live_process_writes_is_left_alone(killed_writer):
    exports, temp, _writer, folder = killed_writer
    assert clean_leftovers(exports, temp) == []
    assert (exports / "reelscope_x.csv.part").exists() and (folder / "export.xlsx").exists()


def test_what_a_killed_process_left_is_removed(killed_writer):
    exports, temp, writer, folder = killed_writer
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert sorted(p.name for p in clean_leftovers(exports, temp)) == [folder.name, "reelscope_x.csv.part"]
    assert list(exports.iterdir()) == [] and not folder.exists()


def test_a_completed_export_leaves_only_its_file(tmp_path):
    from core.exports.leftovers import part_file

    with part_file(tmp_path / "a.csv") as out:
        out.write(b"x")
    with pytest.raises(RuntimeError), part_file(tmp_path / "b.csv") as out:
        out.write(b"y")
        raise RuntimeError("the export failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_the_api_start_up_and_purge_remove_leftovers(store_env, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from core.cli.main import main
    from tests.api.api_helpers import api_settings

    exports = tmp_path / "exports"
    exports.mkdir()
    monkeypatch.setenv("REELSCOPE_EXPORT_DIR", str(exports))
    (exports / "reelscope_a.csv.part").write_bytes(b"left by a killed export")
    with TestClient(create_app(api_settings())):
        pass
    assert list(exports.iterdir()) == []
    (exports / "reelscope_b.json.part").write_bytes(b"left by a killed export")
    assert main(["purge", "--older-than", "3650d"]) == 0
    assert list(exports.iterdir()) == []
