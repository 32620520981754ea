FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY cockpit ./cockpit
COPY customers ./customers
COPY alerts ./alerts
COPY agenda ./agenda
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
EXPOSE 8000
CMD ["gunicorn", "cockpit.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
