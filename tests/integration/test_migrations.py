"""The migration chain builds the schema the code declares, on both databases, and reverts cleanly."""
import sqlalchemy as sa

from app.data import migrate
from app.data.engine import make_engine
from app.data.schema import metadata


def test_upgrade_creates_every_declared_table_and_seeds_defaults(engine):
    tables = set(sa.inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    with engine.connect() as conn:
        stages = conn.execute(sa.text("SELECT stage, position FROM stages ORDER BY position")).all()
        version = conn.execute(sa.text("SELECT version FROM data_version WHERE id = 1")).scalar()
    assert [s for s, _ in stages] == ["Prospecting", "Qualification", "Needs Analysis", "Proposal",
                                      "Negotiation", "Closed Won", "Closed Lost"]
    assert version == 0
    assert migrate.current_revision(engine) == migrate.head_revision(engine)


def test_downgrade_to_base_and_up_again(db_url):
    engine = make_engine(db_url)
    migrate.downgrade(engine, "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert "opportunities" in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_models_and_migrations_agree(engine):
    """Autogenerate finds nothing to do: the migrations create exactly the declared schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
