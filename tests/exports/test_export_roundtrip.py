"""Every export variant parsed back with the standard library and compared with what the emulator served."""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
from datetime import UTC, datetime

import pytest

from core.analytics.metrics import data_dictionary as metrics_dictionary
from core.exports.csv_encoding import is_formula
from core.exports.documents import ExportOptions, all_fields, export_bytes, open_export
from core.exports.fields import LIST_SEPARATOR
from tests.integration.expectations import _HASHTAG, _MENTION, expected_likes

EXPORTED_AT = datetime(2026, 5, 1, 14, 3, 0, tzinfo=UTC)
PROFILE_HEADER_KEYS = ["username", "user id", "followers", "following", "media count", "analysed at", "analysis id",
                       "data source", "filters applied", "access", "withheld by Instagram", "exported at"]


def read_csv(data: bytes, plain: bool = False) -> tuple[dict[str, str], list[str], list[dict[str, str]]]:
    """(profile header, column names, rows) of a CSV export, parsed with the csv module only."""
    text = data.decode("utf-8")
    header: dict[str, str] = {}
    if plain:
        assert not text.startswith("\ufeff")
    else:
        assert text.startswith("\ufeff")
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    if not plain:
        for row in reader:
            if row == []:
                break
            key, value = row
            header[key] = value
    columns = next(reader)
    rows = [dict(zip(columns, row, strict=True)) for row in reader]
    return header, columns, rows


def _text(value: str | None) -> str:
    return "" if value is None else value


def _csv_text(value: str | None) -> str:
    value = _text(value)
    return "'" + value if is_formula(value) else value


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def _tags(caption: str | None) -> list[str]:
    return _HASHTAG.findall(caption.lower()) if caption else []


def _mentions(caption: str | None) -> list[str]:
    return _MENTION.findall(caption.lower()) if caption else []


def expected_csv_row(m) -> dict[str, str]:
    return {
        "shortcode": m.code, "media_id": m.pk, "url": f"https://www.instagram.com/reel/{m.code}/",
        "thumbnail_url": m.thumbnail_url, "caption": _csv_text(m.caption), "likes": _count(expected_likes(m)),
        "comments": _count(m.comment_count), "plays": _count(m.play_count), "views": _count(m.view_count),
        "posted_at": datetime.fromtimestamp(m.taken_at, UTC).isoformat(), "product_type": m.product_type,
        "is_pinned": "true" if m.pinned else "false",
        "hashtags": _csv_text(LIST_SEPARATOR.join(_tags(m.caption))),
        "mentions": _csv_text(LIST_SEPARATOR.join(_mentions(m.caption))),
    }


def expected_json_reel(m) -> dict:
    return {
        "shortcode": m.code, "media_id": m.pk, "url": f"https://www.instagram.com/reel/{m.code}/",
        "thumbnail_url": m.thumbnail_url, "caption": m.caption, "likes": expected_likes(m),
        "comments": m.comment_count, "plays": m.play_count, "views": m.view_count,
        "duration": m.video_duration, "posted_at": datetime.fromtimestamp(m.taken_at, UTC).isoformat(),
        "product_type": m.product_type, "is_pinned": m.pinned, "hashtags": _tags(m.caption),
        "mentions": _mentions(m.caption),
    }


PROFILES = ["weird_captions", "hidden_likes", "no_play_counts", "demo_creator"]


@pytest.mark.parametrize("username", PROFILES)
def test_default_csv_has_the_profile_header_and_every_reel_exactly(export_env, username):
    db, ids, catalogue, _ = export_env
    profile = catalogue[username]
    data = export_bytes(db, ids[username], ExportOptions(format="csv"), exported_at=EXPORTED_AT)
    header, columns, rows = read_csv(data)

    assert list(header) == PROFILE_HEADER_KEYS
    assert header["username"] == username and header["user id"] == profile.user_id
    assert header["followers"] == str(profile.followers) and header["following"] == str(profile.following)
    assert header["media count"] == str(profile.media_count)
    assert header["analysis id"] == ids[username]
    assert (header["access"], header["withheld by Instagram"]) == ("logged in as @demo_viewer", "nothing")
    assert header["filters applied"] == "none (everything)"
    assert header["data source"] == "emulator"  # the export fixture scrapes the built-in emulator
    assert header["exported at"] == "2026-05-01T14:03:00+00:00"
    assert columns == list(all_fields())

    assert [r["shortcode"] for r in rows] == [m.code for m in profile.videos]
    for media, row in zip(profile.videos, rows, strict=True):
        expected = expected_csv_row(media)
        assert {k: row[k] for k in expected} == expected
        assert (row["duration"] == "") == (media.video_duration is None)
        if media.video_duration is not None:
            assert float(row["duration"]) == media.video_duration


@pytest.mark.parametrize("username", PROFILES)
def test_json_is_nested_and_exact_with_nulls_for_unknown_counts(export_env, username):
    db, ids, catalogue, _ = export_env
    profile = catalogue[username]
    document = json.loads(export_bytes(db, ids[username], ExportOptions(format="json"), exported_at=EXPORTED_AT))

    assert list(document) == ["schema_version", "exported_at", "analysis", "profile", "reels", "reel_count",
                              "data_dictionary"]
    assert document["schema_version"] == 1 and document["exported_at"] == "2026-05-01T14:03:00+00:00"
    assert document["analysis"]["analysis_id"] == ids[username] and document["analysis"]["status"] == "completed"
    assert (document["analysis"]["access"], document["analysis"]["withheld_fields"]) == \
        ("logged in as @demo_viewer", [])
    assert document["analysis"]["data_source"] == "emulator" and document["analysis"]["is_demo"] is True
    assert {k: document["profile"][k] for k in ("username", "user_id", "followers", "following", "media_count")} == {
        "username": username, "user_id": profile.user_id, "followers": profile.followers,
        "following": profile.following, "media_count": profile.media_count}
    assert document["reel_count"] == len(profile.videos)
    for media, reel in zip(profile.videos, document["reels"], strict=True):
        assert list(reel) == list(all_fields())
        expected = expected_json_reel(media)
        assert {k: reel[k] for k in expected} == expected
    assert list(document["data_dictionary"]) == list(all_fields())


def test_hidden_and_missing_counts_are_empty_in_csv_and_null_in_json(export_env):
    db, ids, catalogue, _ = export_env
    hidden = [m for m in catalogue["hidden_likes"].videos if m.likes_hidden]
    assert hidden, "the emulator profile should hide some likes"
    _, _, rows = read_csv(export_bytes(db, ids["hidden_likes"], ExportOptions(plain=True)), plain=True)
    reels = json.loads(export_bytes(db, ids["hidden_likes"], ExportOptions(format="json")))["reels"]
    by_code_csv = {r["shortcode"]: r for r in rows}
    by_code_json = {r["shortcode"]: r for r in reels}
    for media in hidden:
        assert by_code_csv[media.code]["likes"] == "" and by_code_json[media.code]["likes"] is None
        assert by_code_csv[media.code]["interactions"] == "" and by_code_json[media.code]["engagement_rate"] is None
        assert by_code_json[media.code]["engagement_tier"] == "unknown"
    no_plays = [m for m in catalogue["no_play_counts"].videos if m.play_count is None]
    assert no_plays
    reels = {r["shortcode"]: r for r in json.loads(export_bytes(db, ids["no_play_counts"],
                                                                 ExportOptions(format="json")))["reels"]}
    for media in no_plays:
        assert reels[media.code]["plays"] is None
        assert reels[media.code]["effective_plays"] == media.view_count


def test_weird_captions_survive_csv_and_json(export_env):
    db, ids, catalogue, _ = export_env
    captions = [m.caption for m in catalogue["weird_captions"].videos]
    _, _, rows = read_csv(export_bytes(db, ids["weird_captions"], ExportOptions(plain=True)), plain=True)
    reels = json.loads(export_bytes(db, ids["weird_captions"], ExportOptions(format="json")))["reels"]
    csv_captions = [r["caption"] for r in rows]
    json_captions = [r["caption"] for r in reels]
    assert json_captions == captions  # exact, formula-like starts included
    for caption, cell in zip(captions, csv_captions, strict=True):
        if caption and caption.startswith(("=", "+", "-", "@")):
            assert cell == "'" + caption  # neutralised: a spreadsheet shows it as text
        else:
            assert cell == _text(caption)
    assert any("\r\n" in c for c in csv_captions if c) and any('"' in c and "," in c for c in csv_captions if c)
    assert any("🎉" in c for c in csv_captions if c) and any("東京" in c for c in csv_captions if c)
    assert "'=HYPERLINK(\"http://evil.example\",\"click\") #csv" in csv_captions


def test_plain_csv_is_the_table_alone(export_env):
    db, ids, catalogue, _ = export_env
    data = export_bytes(db, ids["demo_creator"], ExportOptions(plain=True))
    assert data.startswith(b"shortcode,media_id,")
    _, columns, rows = read_csv(data, plain=True)
    assert len(rows) == len(catalogue["demo_creator"].videos)
    default = export_bytes(db, ids["demo_creator"], ExportOptions(), exported_at=EXPORTED_AT)
    assert default.endswith(data) and default.startswith("\ufeff".encode())


def test_numbers_stay_numbers_and_counts_are_never_quoted_text(export_env):
    db, ids, _, _ = export_env
    data = export_bytes(db, ids["demo_creator"], ExportOptions(plain=True, fields=("likes", "engagement_rate")))
    for line in data.decode().splitlines()[1:]:
        for cell in line.split(","):
            assert cell == "" or not cell.startswith(("'", '"'))
            assert cell == "" or math.isfinite(float(cell))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_gzip_decompresses_to_the_same_content_and_is_deterministic(export_env, fmt):
    db, ids, _, _ = export_env
    plain = export_bytes(db, ids["weird_captions"], ExportOptions(format=fmt), exported_at=EXPORTED_AT)
    first = export_bytes(db, ids["weird_captions"], ExportOptions(format=fmt, gzip=True), exported_at=EXPORTED_AT)
    second = export_bytes(db, ids["weird_captions"], ExportOptions(format=fmt, gzip=True), exported_at=EXPORTED_AT)
    assert first == second
    assert first[4:8] == b"\x00\x00\x00\x00"  # gzip header mtime 0
    assert gzip.decompress(first) == plain


def test_fields_come_in_the_chosen_order_in_csv_and_json(export_env):
    db, ids, catalogue, _ = export_env
    fields = ("plays_tier", "likes", "shortcode", "caption", "engagement_rate")
    _, columns, rows = read_csv(export_bytes(db, ids["hidden_likes"], ExportOptions(plain=True, fields=fields)),
                                plain=True)
    assert columns == list(fields)
    reels = json.loads(export_bytes(db, ids["hidden_likes"], ExportOptions(format="json", fields=fields)))["reels"]
    assert all(list(reel) == list(fields) for reel in reels)
    assert [r["shortcode"] for r in reels] == [m.code for m in catalogue["hidden_likes"].videos]


def test_stream_reports_rows_size_and_checksum(export_env):
    import hashlib

    db, ids, catalogue, _ = export_env
    stream = open_export(db, ids["demo_creator"], ExportOptions(format="json", gzip=True), exported_at=EXPORTED_AT)
    data = b"".join(stream)
    assert stream.rows == len(catalogue["demo_creator"].videos)
    assert stream.size == len(data) and stream.sha256 == hashlib.sha256(data).hexdigest()
    assert stream.filename == "reelscope_demo_creator_20260501-140300.json.gz"


def test_data_dictionary_reuses_core_metrics_definitions(export_env):
    from core.exports.documents import data_dictionary_csv

    db, ids, _, _ = export_env
    dictionary = json.loads(export_bytes(db, ids["demo_creator"], ExportOptions(format="json")))["data_dictionary"]
    for name, entry in metrics_dictionary().items():
        assert dictionary[name]["label"] == entry["label"]
        assert dictionary[name]["description"].startswith(entry["description"])
    assert LIST_SEPARATOR in dictionary["hashtags"]["description"]
    text = data_dictionary_csv().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert [r["field"] for r in rows] == list(all_fields())
