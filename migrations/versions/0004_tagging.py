"""Tagging: theme scores, personal-data proposals (offsets only), officers' theme labels,
and the tagging state and language of each submission.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:50:18.769403

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pii_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'accepted', 'rejected', 'added', name='proposal_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_pii_proposals_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pii_proposals'))
    )
    with op.batch_alter_table('pii_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pii_proposals_submission_id'), ['submission_id'], unique=False)

    op.create_table('submission_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('suggested', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_themes_submission_id_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_submission_themes_theme_id_themes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_themes')),
    sa.UniqueConstraint('submission_id', 'theme_id', name=op.f('uq_submission_themes_submission_id_theme_id'))
    )
    with op.batch_alter_table('submission_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_themes_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_themes_theme_id'), ['theme_id'], unique=False)

    op.create_table('theme_labels',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('themes', sa.Text(), nullable=False),
    sa.Column('labelled_by_id', sa.Integer(), nullable=True),
    sa.Column('labelled_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['labelled_by_id'], ['users.id'], name=op.f('fk_theme_labels_labelled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_theme_labels_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_theme_labels'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tagging_status', sa.Enum('pending', 'done', 'failed', name='tagging_status', native_enum=False, create_constraint=True, length=40), nullable=False, server_default='pending'))
        batch_op.add_column(sa.Column('tagging_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('tagging_next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('tagged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('language_flagged', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_submissions_tagging_status'), ['tagging_status'], unique=False)



def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_tagging_status'))
        # The enum's CHECK constraint must go before its column (SQLite copies the table).
        batch_op.drop_constraint(op.f('ck_submissions_tagging_status'), type_='check')
        batch_op.drop_column('language_flagged')
        batch_op.drop_column('language')
        batch_op.drop_column('tagged_at')
        batch_op.drop_column('tagging_next_attempt_at')
        batch_op.drop_column('tagging_attempts')
        batch_op.drop_column('tagging_status')

    op.drop_table('theme_labels')
    with op.batch_alter_table('submission_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_themes_theme_id'))
        batch_op.drop_index(batch_op.f('ix_submission_themes_submission_id'))

    op.drop_table('submission_themes')
    with op.batch_alter_table('pii_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pii_proposals_submission_id'))

    op.drop_table('pii_proposals')
