"""Captions on a few clear themes for the emulator's ``demo_topics`` profile: cooking in Spanish and English,
travel in Spanish and English, fitness and tech in English; some captions hashtags only, a few emoji only.
Themes perform differently (``PLAYS_MULTIPLE``), so the Topics tab has something to show.

Each caption comes from its own seeded generator, so the rest of the catalogue's random stream is untouched.
"""

from __future__ import annotations

import random

THEMES: dict[str, dict[str, list[str]]] = {
    "cooking": {
        "en": ["Sourdough pasta with roasted garlic sauce, dinner in 20 minutes",
               "My homemade sourdough recipe: flour, water, salt and patience",
               "Fresh pasta dough by hand, the easiest recipe you will find",
               "Garlic tomato sauce for pasta night, save this recipe"],
        "es": ["Receta de pasta casera con salsa de tomate y ajo",
               "Masa madre para pan casero, la receta paso a paso",
               "Pasta fresca con salsa de ajo, cena lista en veinte minutos",
               "Mi receta de pan de masa madre, harina, agua y sal"],
        "tags": ["#pasta", "#sourdough", "#receta", "#recipe", "#foodie", "#cocina", "#homecooking"],
    },
    "travel": {
        "en": ["Sunset over the island beach, best trip of the year",
               "Hiking the mountains above the old town, views all day",
               "Beach hotel tour on a tiny island, worth every minute of the flight",
               "Backpack packing list for a mountain trip"],
        "es": ["Atardecer en la playa de la isla, el mejor viaje del año",
               "Ruta por las montañas con vistas increíbles, viaje de tres días",
               "Hotel en la playa de una isla pequeña, el vuelo valió la pena",
               "Qué llevar en la mochila para un viaje a la montaña"],
        "tags": ["#travel", "#viajes", "#beach", "#playa", "#wanderlust", "#island"],
    },
    "fitness": {
        "en": ["Leg day workout: squats, lunges and deadlifts for strength",
               "Ten minute core workout you can do at home, no gym needed",
               "Gym routine for beginners, three days a week of strength training",
               "Squat form check: the three mistakes I see at the gym"],
        "tags": ["#workout", "#gym", "#legday", "#fitness", "#strength"],
    },
    "tech": {
        "en": ["My desk setup for coding: keyboard, monitor and laptop stand",
               "Python tip: list comprehensions make your code shorter",
               "Reviewing the new mechanical keyboard for coding all day",
               "Laptop setup for developers, the apps I install first"],
        "tags": ["#coding", "#python", "#setup", "#developer", "#tech"],
    },
}
PLAYS_MULTIPLE = {"cooking": 2.5, "travel": 1.0, "fitness": 0.6, "tech": 0.4}
_EMOJI_ONLY = ["🔥🔥🔥", "😍✨", "🙌"]


def themed_caption(username: str, index: int) -> tuple[str | None, str]:
    """(theme, caption) of the reel at ``index``: the theme is None for an emoji-only caption (no usable words)."""
    rng = random.Random(f"reelscope-emulator-themes:{username}:{index}")
    if rng.random() < 0.06:
        return None, rng.choice(_EMOJI_ONLY)
    theme = rng.choice(list(THEMES))
    material = THEMES[theme]
    tags = " ".join(rng.sample(material["tags"], k=rng.randint(2, 3)))
    if rng.random() < 0.15:
        return theme, tags + " #reels"  # hashtags only
    languages = [language for language in ("en", "es") if language in material]
    style = rng.choice(languages + (["both"] if len(languages) == 2 else []))
    sentences = [rng.choice(material[language]) for language in (languages if style == "both" else [style])]
    return theme, " / ".join(sentences) + " " + tags
