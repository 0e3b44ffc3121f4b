"""The words and hashtags a reel is about: what topic modelling (core.analytics.topics) reads from a caption.

Pure functions. A reel's terms are its caption words, lower case, without hashtags, mentions, links, numbers,
words under three letters and the common function words of 30+ languages (the ``stop-words`` package's lists,
shipped inside the package, so nothing is downloaded), plus its hashtags written ``#tag``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from stop_words import AVAILABLE_LANGUAGES, get_stop_words

MIN_WORD_LENGTH = 3
_NOT_WORDS = re.compile(r"https?://\S+|www\.\S+|[#@][\w.]+", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Function words of every language the ``stop-words`` package ships (English, Spanish, Portuguese, …)."""
    words: set[str] = set()
    for language in AVAILABLE_LANGUAGES:
        words.update(word.lower() for word in get_stop_words(language))
    return frozenset(words)


def caption_words(caption: str | None) -> list[str]:
    """The caption's content words in order, lower case (hashtags, mentions, links and stop words removed)."""
    if not caption:
        return []
    text = _NOT_WORDS.sub(" ", caption).lower()
    excluded = stop_words()
    return [word for word in _WORD.findall(text) if len(word) >= MIN_WORD_LENGTH and word not in excluded]


def reel_terms(caption: str | None, hashtags: Iterable[str] | None) -> list[str]:
    """Caption words plus ``#tag`` for each hashtag (lower case, each tag once)."""
    tags = [f"#{tag.lower().lstrip('#')}" for tag in (hashtags or ()) if tag and tag.strip("#")]
    return caption_words(caption) + list(dict.fromkeys(tags))


def all_reel_terms(captions: Sequence[str | None], hashtags: Sequence[Iterable[str] | None]) -> list[list[str]]:
    return [reel_terms(caption, tags) for caption, tags in zip(captions, hashtags, strict=True)]
