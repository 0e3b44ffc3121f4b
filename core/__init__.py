"""ReelScope core: Instagram reel analysis without any user-interface code (never imports streamlit)."""

__version__ = "0.1.0"
