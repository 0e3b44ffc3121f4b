"""ReelScope's Streamlit UI helpers: the only place besides streamlit_app.py and pages/ that imports streamlit."""
