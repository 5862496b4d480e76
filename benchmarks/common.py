"""What the benchmarks share: an app on a throwaway database, results written as JSON."""

import json
import os
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

from webapp import create_app
from webapp.extensions import db

RESULTS = Path(__file__).resolve().parent / "results"
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
POSTGRES_URL = f"{POSTGRES_SERVER}/portal_bench"


def ensure_postgres_database() -> str:
    """A database of the benchmarks' own, so a run never disturbs the test suite's `test` database."""
    engine = create_engine(f"{POSTGRES_SERVER}/test", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = 'portal_bench'")).scalar()
        if not exists:
            connection.execute(text("CREATE DATABASE portal_bench"))
    engine.dispose()
    return POSTGRES_URL


def fresh_app(database_url: str | None = None, **config):
    """An app on an empty database: a new SQLite file, or the given URL with every table recreated."""
    url = database_url or f"sqlite:///{tempfile.mkdtemp(prefix='portal-bench-')}/bench.db"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, **config)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
    return app


def write_result(name: str, figures: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2, default=str))


def print_table(title: str, rows: list[tuple], headers: tuple) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=False)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=False)))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)))
