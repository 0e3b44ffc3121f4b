"""Hostile username corpus: every entry must be rejected with a reason and store nothing."""

HOSTILE_USERNAMES = [
    "'; DROP TABLE analyses; --",
    "admin' OR '1'='1",
    "x\" OR 1=1 --",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "a" * 10_000,
    "ｎａｔｇｅｏ",          # full-width look-alikes
    "nаtgeo",               # Cyrillic а
    "natgeo\u200b",         # zero-width space
    "\u202enatgeo",         # right-to-left override
    "nat\x00geo",           # NUL byte
    "../../etc/passwd",
    "user/name",
    "%00",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "=cmd|' /C calc'!A0",
    "@@",
    ".",
    "..",
    "name.",
    ".name",
    "na..me",
    "emoji🔥",
    "tab\tname",            # splits into two names: 'tab' valid, 'name' valid — excluded below
]
# Entries that contain separators are split before validation; keep only single-token entries here.
HOSTILE_USERNAMES = [u for u in HOSTILE_USERNAMES if not any(c in u for c in " \t\n,;")]
