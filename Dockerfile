# ReelScope image for the team topology in docker-compose.yml (dashboard, API and workers share it).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# pg_dump/pg_restore for `python -m core backup|restore` against PostgreSQL; a colour emoji font so emoji in
# captions and labels render in headless browsers and static chart images made in the container
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-client fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 reelscope
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=reelscope:reelscope . .
USER reelscope
EXPOSE 8501 8000
# Refuses to start without sign-in ([auth] in /app/.streamlit/secrets.toml) unless REELSCOPE_ALLOW_OPEN=1
CMD ["python", "-m", "core", "dashboard", "--host", "0.0.0.0", "--port", "8501"]
