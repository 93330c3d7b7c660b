# craigleads production image: the console (web), Celery worker and beat share it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CRAIGLEADS_VAR_DIR=/app/var \
    CHROMIUM_PATH=/usr/bin/chromium \
    STATIC_MANIFEST=true

# Chromium from Debian for pages that need JavaScript (never a downloaded browser);
# the PostgreSQL client for `manage.py backup`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium postgresql-client curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only-key-build-only-key-build-only-key-0123456789 \
    python manage.py collectstatic --noinput \
 && useradd --system --home /app craigleads && mkdir -p /app/var && chown -R craigleads /app/var
USER craigleads

EXPOSE 8000
CMD ["python", "manage.py", "serve", "--host", "0.0.0.0", "--port", "8000"]
