"""Labelled synthetic captions for measuring topic methods: reels written on known themes, in English, Spanish or
both, some with hashtags only and some with no usable words at all.

A theme's English and Spanish captions share only what real bilingual creators share: a few hashtags and
loanwords (pasta, pizza, yoga). Everything else is language-specific, and generic filler (words and hashtags
that every theme uses: #reels, #viral, "today", "hoy") blurs the themes further.

    corpus = labelled_corpus(200, themes=4, seed=1)
    corpus.captions, corpus.hashtags, corpus.labels   # label -1: no usable words
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

# theme: (English words, Spanish words, hashtags both languages use, English-only tags, Spanish-only tags)
THEMES: dict[str, tuple[list[str], list[str], list[str], list[str], list[str]]] = {
    "cooking": (
        ["recipe", "sourdough", "pasta", "bake", "oven", "dinner", "garlic", "sauce", "kitchen", "delicious",
         "flour", "dough", "tomato", "homemade", "pizza"],
        ["receta", "masa", "pasta", "horno", "cena", "ajo", "salsa", "cocina", "delicioso", "harina",
         "tomate", "casero", "pizza", "hornear", "sabor"],
        ["#food", "#foodie", "#pasta", "#sourdough"], ["#recipe", "#homecooking", "#baking"],
        ["#receta", "#cocina", "#comida"]),
    "fitness": (
        ["workout", "gym", "squat", "training", "muscle", "cardio", "reps", "strength", "legs", "protein",
         "stretch", "sweat", "deadlift", "core", "yoga"],
        ["entrenamiento", "gimnasio", "sentadilla", "músculo", "cardio", "repeticiones", "fuerza", "piernas",
         "proteína", "estiramiento", "sudor", "rutina", "abdomen", "yoga", "peso"],
        ["#fitness", "#gym", "#workout", "#yoga"], ["#fitfam", "#legday", "#training"],
        ["#entrenamiento", "#gimnasio", "#salud"]),
    "travel": (
        ["beach", "flight", "island", "hotel", "sunset", "mountains", "passport", "trip", "adventure", "city",
         "explore", "ocean", "hiking", "backpack", "views"],
        ["playa", "vuelo", "isla", "hotel", "atardecer", "montañas", "pasaporte", "viaje", "aventura", "ciudad",
         "explorar", "océano", "senderismo", "mochila", "paisaje"],
        ["#travel", "#wanderlust", "#travelgram", "#beach"], ["#roadtrip", "#adventure", "#vacation"],
        ["#viajar", "#viajes", "#playa"]),
    "tech": (
        ["laptop", "coding", "python", "keyboard", "setup", "software", "app", "developer", "bug", "code",
         "monitor", "gadget", "review", "programming", "server"],
        ["portátil", "programación", "python", "teclado", "escritorio", "aplicación", "desarrollador", "error",
         "código", "monitor", "reseña", "servidor", "tecnología", "pantalla", "programar"],
        ["#tech", "#coding", "#python", "#setup"], ["#developer", "#programming", "#gadgets"],
        ["#tecnologia", "#programacion", "#codigo"]),
    "pets": (
        ["puppy", "dog", "cat", "kitten", "walk", "treats", "paws", "fluffy", "vet", "leash", "bark", "cuddle",
         "rescue", "adopt", "tail"],
        ["perrito", "perro", "gato", "gatito", "paseo", "premios", "patitas", "peludo", "veterinario", "correa",
         "ladrido", "mimos", "rescate", "adoptar", "cola"],
        ["#dog", "#cat", "#pets", "#puppy"], ["#dogsofinstagram", "#catlover", "#adoptdontshop"],
        ["#perro", "#mascotas", "#gatos"]),
    "fashion": (
        ["outfit", "dress", "jacket", "style", "shoes", "vintage", "thrift", "denim", "haul", "look", "sneakers",
         "wardrobe", "accessories", "trend", "fit"],
        ["conjunto", "vestido", "chaqueta", "estilo", "zapatos", "vintage", "segunda", "mezclilla", "compras",
         "look", "zapatillas", "armario", "accesorios", "tendencia", "moda"],
        ["#fashion", "#ootd", "#style", "#vintage"], ["#outfitoftheday", "#thrifted", "#streetstyle"],
        ["#moda", "#estilo", "#outfit"]),
}
GENERIC_WORDS_EN = ["today", "new", "video", "finally", "amazing", "best", "love", "week", "part", "try", "guys",
                    "what", "think", "comment", "below", "follow", "more", "so", "good", "quick"]
GENERIC_WORDS_ES = ["hoy", "nuevo", "video", "por", "fin", "increíble", "mejor", "amo", "semana", "parte",
                    "prueba", "chicos", "qué", "opinan", "comenta", "sígueme", "más", "muy", "bueno", "rápido"]
GENERIC_TAGS = ["#reels", "#viral", "#fyp", "#explore", "#instagood", "#reelsinstagram", "#trending"]
NO_WORDS = [None, "", "🔥🔥🔥", "😍✨", "👇", "..."]
TEMPLATES_EN = ["{g} {w} {w} {g}", "{w} {g} {w} {w}", "{g} {g} {w} {w} {w}", "{w} {w} {g}"]
TEMPLATES_ES = ["{g} {w} {w} {g}", "{w} {g} {w} {w}", "{g} {g} {w} {w} {w}", "{w} {w} {g}"]
_TAG = re.compile(r"#(\w+)")


@dataclass(frozen=True)
class LabelledCorpus:
    captions: list[str | None]
    hashtags: list[list[str]]  # as instaloader gives them: lower case, without "#"
    labels: list[int]  # index into themes; -1 for a reel without usable words
    themes: list[str]


def _sentence(rng: random.Random, words: list[str], generic: list[str]) -> str:
    template = rng.choice(TEMPLATES_EN)
    text = template
    while "{w}" in text or "{g}" in text:
        text = text.replace("{w}", rng.choice(words), 1).replace("{g}", rng.choice(generic), 1)
    return text.capitalize()


def _tags(rng: random.Random, shared: list[str], own: list[str], k: int) -> list[str]:
    pool = shared + own
    chosen = rng.sample(pool, k=min(k, len(pool)))
    chosen += rng.sample(GENERIC_TAGS, k=rng.randint(0, 2))
    return chosen


def caption_for(theme: str, style: str, rng: random.Random) -> str | None:
    """One caption of ``theme`` in ``style``: en, es, bilingual, hashtags (hashtags only) or none (no words)."""
    en, es, shared, own_en, own_es = THEMES[theme]
    if style == "none":
        return rng.choice(NO_WORDS)
    if style == "hashtags":
        return " ".join(_tags(rng, shared, own_en + own_es, rng.randint(2, 4)))
    parts = []
    if style in ("en", "bilingual"):
        parts.append(_sentence(rng, en, GENERIC_WORDS_EN))
    if style in ("es", "bilingual"):
        parts.append(_sentence(rng, es, GENERIC_WORDS_ES))
    own = own_en if style == "en" else own_es if style == "es" else own_en + own_es
    if rng.random() < 0.8:
        parts.append(" ".join(_tags(rng, shared, own, rng.randint(1, 3))))
    return " ".join(parts)


def labelled_corpus(n: int, themes: int = 4, seed: int = 0,
                    styles: dict[str, float] | None = None) -> LabelledCorpus:
    """``n`` reels on the first ``themes`` themes (uneven sizes), captions in the given mix of styles."""
    rng = random.Random(f"topic-corpus:{n}:{themes}:{seed}")
    styles = styles or {"en": 0.35, "es": 0.3, "bilingual": 0.15, "hashtags": 0.15, "none": 0.05}
    names = list(THEMES)[:themes]
    weights = [1.0 + i * 0.5 for i in range(themes)]
    captions, hashtags, labels = [], [], []
    for _ in range(n):
        theme = rng.choices(range(themes), weights=weights)[0]
        style = rng.choices(list(styles), weights=list(styles.values()))[0]
        caption = caption_for(names[theme], style, rng)
        captions.append(caption)
        hashtags.append(list(dict.fromkeys(t.lower() for t in _TAG.findall(caption or ""))))
        labels.append(-1 if style == "none" else theme)
    return LabelledCorpus(captions, hashtags, labels, names)
