"""Column tooltips of the reels table, in an analyst's words.

The metric docstrings (core.analytics.metrics) stay the full methodology and data dictionary; a tooltip says in one
or two sentences what the number means for a reader, without formulas, field names or code words.
"""

from __future__ import annotations

TOOLTIPS: dict[str, str] = {
    "thumbnail_url": "The reel's cover image.",
    "url": "Opens the reel on Instagram.",
    "caption": "The first words of the caption.",
    "posted_at": "When the reel went live, in UTC.",
    "topic": "What the reel is about, found from its caption words and hashtags (see the Topics tab).",
    "effective_plays": "How many times the reel was played, as Instagram counts it (older reels: their views).",
    "likes": "Likes when the analysis ran.",
    "comments": "Comments when the analysis ran.",
    "engagement_rate": "Likes and comments as a percentage of the creator's followers.",
    "engagement_per_play": "Likes and comments as a percentage of plays: how many viewers reacted, whatever the "
                           "account's size.",
    "plays_per_follower": "Plays divided by followers; above 1 the reel reached beyond the creator's audience.",
    "likes_per_1k_plays": "Likes for every 1,000 plays.",
    "comments_per_1k_plays": "Comments for every 1,000 plays.",
    "plays_per_day": "Average plays per day since posting (a reel's first day counts as a full day). Older reels "
                     "score lower, as most plays come in the first days.",
    "plays_vs_median": "Plays compared with this creator's typical reel: 1× is typical, 3× three times as many.",
    "age_days": "Days since the reel was posted, when the analysis ran.",
    "plays_tier": "How the reel did against this creator's typical plays: viral (3× or more), strong, typical or "
                  "weak (under half).",
    "engagement_tier": "Where the reel's likes and comments rank among this creator's reels: top 10%, upper half, "
                       "lower half or bottom 25%.",
    "benchmark_tier": "The reel's engagement rate against the usual range for accounts of this size (rough industry "
                      "figures; see Methodology).",
    "duration": "Length of the video.",
    "is_pinned": "Pinned to the top of the profile; pinned reels come first even when they are old.",
    "product_type": "Reel, or a video posted to the feed.",
    "hashtags": "Hashtags in the caption.",
    "mentions": "Accounts mentioned in the caption.",
    "collaborators": "Other accounts credited as co-authors of the reel.",
    "is_paid_partnership": "Labelled a paid partnership by Instagram.",
    "sponsors": "Brands tagged as sponsors.",
    "audio_type": "Original sound (the creator's own) or licensed music.",
    "audio_title": "The track, or the name of the original sound.",
    "audio_artist": "The track's artist, or the creator of the original sound.",
    "location_name": "The place tagged on the reel.",
}

# The "source" column of the History and All profiles tables.
SOURCE_HELP = ("Where the data came from: instagram, emulator (ReelScope's built-in demo data) or other (another "
               "Instagram-compatible server your operator set up)")
