"""A reel field is defined once, in core.domain.reel_fields; every list of reel fields derives from it."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from core.analytics import metrics
from core.domain import reel_fields
from core.domain.fetched import FetchedReel
from core.domain.reel_fields import EXPORTED_NAMES, FETCHED_NAMES, REEL_FIELDS, STORED_NAMES
from core.exports import fields as export_fields
from core.exports import rows
from core.instagram import reel_context
from core.storage import analyses, columnar, queries
from core.storage.models import Reel

ROOT = Path(__file__).resolve().parents[2]


def test_names_are_unique_and_kinds_known():
    names = [f.name for f in REEL_FIELDS]
    assert len(names) == len(set(names))
    assert {f.kind for f in REEL_FIELDS} <= set(reel_fields.KINDS)
    assert all(f.label and f.description and f.source for f in REEL_FIELDS)


def test_every_derived_list_is_the_registrys():
    assert [c.name for c in Reel.__table__.columns] == ["id", "analysis_id", *STORED_NAMES]
    assert {f.name for f in dataclasses.fields(FetchedReel)} == set(FETCHED_NAMES)
    assert set(analyses._REEL_INSERT_COLUMNS) == {"analysis_id", *STORED_NAMES}
    assert tuple(columnar.SCHEMA.names) == EXPORTED_NAMES
    assert tuple(queries.REEL_COLUMNS) == EXPORTED_NAMES
    assert rows.READ_COLUMNS == EXPORTED_NAMES
    assert export_fields.RAW_FIELDS == EXPORTED_NAMES
    assert tuple(export_fields.field_infos())[:len(EXPORTED_NAMES)] == EXPORTED_NAMES
    assert tuple(metrics.RAW_FIELDS) == EXPORTED_NAMES
    assert reel_context.CONTEXT_NAMES == tuple(f.name for f in REEL_FIELDS if f.context)
    assert set(reel_context.context_from_media({})) == set(reel_context.CONTEXT_NAMES)


def test_export_order_starts_with_the_contract_fields():
    assert EXPORTED_NAMES[:4] == ("shortcode", "media_id", "url", "thumbnail_url")
    assert EXPORTED_NAMES[-1] == "position"
    assert "is_video" in STORED_NAMES and "is_video" not in EXPORTED_NAMES


# Run in a fresh interpreter: the registry's source gains one entry (as a developer would add it), the column is
# added as its migration would, and a reel carrying the field is stored, cached as Parquet and exported.
_ADD_A_FIELD = textwrap.dedent('''
    import importlib.util, json, sys
    from datetime import UTC, datetime
    from pathlib import Path

    source = Path("core/domain/reel_fields.py").read_text()
    entry = ('    ReelField("saves", "integer", "Saves", "count", "How often the reel was saved.", '
             '"media dict: save_count"),\\n')
    anchor = '    ReelField("position"'
    assert anchor in source
    spec = importlib.util.spec_from_loader("core.domain.reel_fields", loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules["core.domain.reel_fields"] = module
    exec(compile(source.replace(anchor, entry + anchor, 1), "reel_fields.py", "exec"), module.__dict__)

    from sqlalchemy import text
    from core.domain.fetched import FetchedProfile, FetchedReel
    from core.exports.documents import ExportOptions, export_bytes
    from core.storage import analyses, columnar
    from core.storage.engine import get_database

    db = get_database()
    with db.engine.begin() as connection:  # what the field's Alembic revision does
        connection.execute(text("ALTER TABLE reels ADD COLUMN saves INTEGER"))
    [analysis_id] = analyses.insert_analyses(db, ["alpha"], max_reels=None, owner=None)
    analyses.save_profile(db, analysis_id, FetchedProfile("1", "alpha", None, None, 10, 1, 1, False, None, None))
    reel = FetchedReel(media_id="1", shortcode="C1", url="https://www.instagram.com/reel/C1/", thumbnail_url=None,
                       caption=None, likes=3, comments=1, plays=None, views=None, saves=7,
                       posted_at=datetime(2026, 1, 1, tzinfo=UTC), duration=5.0, product_type="clips",
                       is_pinned=False, hashtags=(), mentions=())
    analyses.complete_with_reels(db, analysis_id, [reel])
    document = json.loads(export_bytes(db, analysis_id, ExportOptions(format="json")))
    header = export_bytes(db, analysis_id, ExportOptions(format="csv", plain=True)).decode("utf-8-sig").splitlines()[0]
    frame = columnar.reels_frame(db, analysis_id)
    print(json.dumps({"json": document["reels"][0]["saves"], "header": header.split(","),
                      "dictionary": document["data_dictionary"]["saves"]["label"],
                      "parquet": int(frame["saves"].iloc[0])}))
''')


def test_adding_a_field_to_the_registry_is_the_only_code_edit(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/store.db",
           "REELSCOPE_COLUMNS_DIR": str(tmp_path / "columns"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _ADD_A_FIELD], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["json"] == 7
    header = result["header"]
    assert header[header.index("position") - 1] == "saves"
    assert result["dictionary"] == "Saves"
    assert result["parquet"] == 7
