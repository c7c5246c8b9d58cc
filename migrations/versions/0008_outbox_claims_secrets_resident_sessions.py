"""Nothing secret in the clear, and no email sent twice.

- outbox_messages: a priority (urgent first), a claim (claimed_by, claimed_until) so
  that two deliverers never send one message, and `secret`: the codes and links a
  body needs, encrypted, filled in only as it is sent. Bodies already sent that hold a
  reference code or a set-password link have them removed.
- resident_sessions: what a resident's browser holds open, on the server (the cookie
  keeps only a random token), so that "forget", withdrawal and time end it everywhere.
- users.totp_secret becomes users.totp_secret_encrypted: encrypted at rest with the
  app's ENCRYPTION_KEYS (Fernet). Existing secrets are encrypted here (decrypted back
  on downgrade).

Columns are added and dropped with plain ALTER TABLE (SQLite 3.35+ too): rebuilding a
table the batch way would cascade-delete what refers to it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 05:24:56

"""
import re

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, MultiFernet

import engage.models.types

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# What a sent message must no longer hold: reference codes and links with a token.
RECEIPT_CODE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")
TOKEN_LINK = re.compile(r"https?://\S+/account/set-password/\S+")
REMOVED = "[removed once sent]"


def _fernet() -> MultiFernet:
    from flask import current_app

    keys = current_app.config["ENCRYPTION_KEYS"]
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])


def _move_totp_secrets(source: str, target: str, change) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id, {source} FROM users WHERE {source} IS NOT NULL"))
    for user_id, secret in rows.fetchall():
        bind.execute(
            sa.text(f"UPDATE users SET {target} = :secret WHERE id = :id"),
            {"secret": change(secret), "id": user_id},
        )


def upgrade():
    op.create_table('resident_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('intake', 'receipt', name='resident_session_purpose', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('code_encrypted', sa.Text(), nullable=True),
    sa.Column('created_at', engage.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', engage.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_resident_sessions_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_resident_sessions_token_hash'))
    )
    op.create_index(op.f('ix_resident_sessions_submission_id'), 'resident_sessions', ['submission_id'], unique=False)

    op.add_column('outbox_messages', sa.Column('priority', sa.Integer(), server_default='0', nullable=False))
    op.add_column('outbox_messages', sa.Column('claimed_by', sa.String(length=32), nullable=True))
    op.add_column('outbox_messages', sa.Column('claimed_until', engage.models.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column('outbox_messages', sa.Column('secret', sa.Text(), nullable=True))

    bind = op.get_bind()
    sent = bind.execute(
        sa.text("SELECT id, body FROM outbox_messages WHERE sent_at IS NOT NULL")
    ).fetchall()
    for message_id, body in sent:
        cleaned = TOKEN_LINK.sub(REMOVED, RECEIPT_CODE.sub(REMOVED, body))
        if cleaned != body:
            bind.execute(
                sa.text("UPDATE outbox_messages SET body = :body WHERE id = :id"),
                {"body": cleaned, "id": message_id},
            )

    op.add_column('users', sa.Column('totp_secret_encrypted', sa.String(length=255), nullable=True))
    fernet = _fernet()
    _move_totp_secrets(
        'totp_secret', 'totp_secret_encrypted',
        lambda secret: fernet.encrypt(secret.encode("ascii")).decode("ascii"),
    )
    op.drop_column('users', 'totp_secret')


def downgrade():
    op.add_column('users', sa.Column('totp_secret', sa.VARCHAR(length=64), nullable=True))
    fernet = _fernet()
    _move_totp_secrets(
        'totp_secret_encrypted', 'totp_secret',
        lambda secret: fernet.decrypt(secret.encode("ascii")).decode("ascii"),
    )
    op.drop_column('users', 'totp_secret_encrypted')
    op.drop_column('outbox_messages', 'secret')
    op.drop_column('outbox_messages', 'claimed_until')
    op.drop_column('outbox_messages', 'claimed_by')
    op.drop_column('outbox_messages', 'priority')
    op.drop_index(op.f('ix_resident_sessions_submission_id'), table_name='resident_sessions')
    op.drop_table('resident_sessions')
