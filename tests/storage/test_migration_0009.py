"""Migration 0009: alert delivery columns, and image URLs stored before they were checked that are not web URLs
(a local path, file:) become NULL (issue 22 items 3 and 8)."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text

from core.storage.migrations import upgrade


def test_0009_adds_the_delivery_columns_and_clears_non_web_image_urls(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0007")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO analyses (id, username, status, progress, reels_fetched, cancel_requested, "
                          "is_demo, data_source, created_at, updated_at) VALUES ('a1', 'x', 'completed', 100, 0, 0, "
                          "0, 'instagram', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO profile_snapshots (analysis_id, instagram_user_id, username, is_private, "
                          "profile_pic_url, fetched_at) VALUES ('a1', '1', 'x', 0, '/etc/hostname', "
                          "'2026-01-01 00:00:00')"))
        for position, thumbnail in enumerate(["file:///etc/passwd", "HTTPS://cdn.example/a.jpg", None,
                                              "https://cdn.example/b.jpg", "javascript:alert(1)"]):
            conn.execute(text("INSERT INTO reels (analysis_id, media_id, shortcode, url, position, is_video, "
                              "thumbnail_url, hashtags, mentions, posted_at, is_pinned) VALUES ('a1', :m, :m, 'u', :p, 1, :t, '[]', '[]', "
                              "'2026-01-01 00:00:00', 0)"),
                         {"m": str(position), "p": position, "t": thumbnail})
    upgrade(engine)
    with engine.connect() as conn:
        thumbnails = list(conn.scalars(text("SELECT thumbnail_url FROM reels ORDER BY position")))
        picture = conn.scalar(text("SELECT profile_pic_url FROM profile_snapshots"))
    assert thumbnails == [None, "HTTPS://cdn.example/a.jpg", None, "https://cdn.example/b.jpg", None]
    assert picture is None
    columns = {c["name"] for c in inspect(engine).get_columns("alerts")}
    assert {"delivery_rounds", "delivery_claimed_until"} <= columns
