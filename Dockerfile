# The command centre in one container: the app, its embedded Valkey server, a store under /data.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PCCOVID_DB=/data/pccovid.duckdb PCCOVID_GEO_DIR=/shared/geo PCCOVID_SHARED_DATA_DIR=/shared/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY app.py cli.py ./
COPY data ./data
COPY components ./components
COPY web ./web
COPY pages ./pages
COPY rules ./rules
COPY scenario ./scenario
COPY tracing ./tracing
COPY ingest ./ingest
COPY assets ./assets
RUN pip install --no-cache-dir -e . && python -m tracing.precompile

# The shared geography is mounted, not copied (it keeps its own licence): -v ../shared:/shared:ro
VOLUME ["/data"]
EXPOSE 8050
CMD ["sh", "-c", "pccovid demo --db $PCCOVID_DB && pccovid serve --db $PCCOVID_DB --host 0.0.0.0 --port 8050"]
