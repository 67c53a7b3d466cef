# One image for the three Voices processes: the gunicorn web server (the
# default command), the Celery worker and Celery beat. docker-compose.yml
# builds it once and runs it with a different command for each.

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# ffmpeg probes and transcodes uploaded video and audio in the worker.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/*

# The processes run as this user. The UID and GID are fixed so that files in
# volumes keep the same owner across rebuilds and hosts.
RUN groupadd --system --gid 10001 voices \
    && useradd --system --uid 10001 --gid voices --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin voices

WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# The code stays owned by root: the voices user can read it, not change it.
COPY . .

# Translations and static files are built into the image, outside the /app/var
# volume so that each new image serves its own static files. collectstatic runs
# with the base settings and a throw-away VOICES_VAR_DIR: no secret, no database.
ENV STATIC_ROOT=/app/staticfiles
RUN pybabel compile --domain django --directory locale \
    && VOICES_VAR_DIR=/tmp/build-var DJANGO_SETTINGS_MODULE=config.settings.base \
        python manage.py collectstatic --noinput --verbosity 0 \
    && rm -rf /tmp/build-var \
    && mkdir -p /app/var \
    && chown voices:voices /app/var

# Production settings by default: the container refuses to start without a
# SECRET_KEY and ALLOWED_HOSTS rather than fall back to laptop defaults.
ENV DJANGO_SETTINGS_MODULE=config.settings.production \
    VOICES_VAR_DIR=/app/var \
    VOICES_BIND=0.0.0.0:8000

# By number, so that Kubernetes' runAsNonRoot can check it: 10001 is voices.
USER 10001:10001

EXPOSE 8000

CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]
