"""The audit log, guarded in the database: rows can't be deleted while inside the
retention period (6 years), nor the table truncated; and an account's removal no longer
touches its audit rows (the actor id stays as a plain number, with the role beside it).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 14:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SQLITE_NO_UPDATE = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
)
SQLITE_NO_DELETE = (
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "WHEN OLD.at > datetime('now', '-6 years') "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
)


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint('fk_audit_events_actor_id_users', 'audit_events', type_='foreignkey')
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
            "BEGIN "
            "IF TG_OP = 'DELETE' AND OLD.at < now() - interval '6 years' THEN RETURN OLD; END IF; "
            "RAISE EXCEPTION 'the audit log is append-only'; "
            "END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_events_no_truncate() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate()"
        )
    else:
        # SQLite rebuilds the table to drop a foreign key, which drops its triggers too.
        op.execute("DROP TRIGGER audit_events_no_update")
        with op.batch_alter_table('audit_events', schema=None) as batch_op:
            batch_op.drop_constraint('fk_audit_events_actor_id_users', type_='foreignkey')
        op.execute(SQLITE_NO_UPDATE)
        op.execute(SQLITE_NO_DELETE)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_no_delete ON audit_events")
        op.execute("DROP FUNCTION audit_events_no_truncate()")
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.create_foreign_key(
            'fk_audit_events_actor_id_users', 'audit_events', 'users',
            ['actor_id'], ['id'], ondelete='SET NULL',
        )
    else:
        op.execute("DROP TRIGGER audit_events_no_delete")
        op.execute("DROP TRIGGER audit_events_no_update")
        with op.batch_alter_table('audit_events', schema=None) as batch_op:
            batch_op.create_foreign_key(
                'fk_audit_events_actor_id_users', 'users', ['actor_id'], ['id'],
                ondelete='SET NULL',
            )
        op.execute(SQLITE_NO_UPDATE)
