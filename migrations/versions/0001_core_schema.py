"""Core schema: accounts, reference data tables, bodies, people and memberships.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 10:46:49.974638

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ethnic_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('heading', sa.String(length=120), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('allows_description', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ethnic_groups')),
    sa.UniqueConstraint('code', name=op.f('uq_ethnic_groups_code'))
    )
    op.create_table('local_authorities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('constituent', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_local_authorities')),
    sa.UniqueConstraint('code', name=op.f('uq_local_authorities_code')),
    sa.UniqueConstraint('name', name=op.f('uq_local_authorities_name'))
    )
    with op.batch_alter_table('local_authorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_local_authorities_constituent'), ['constituent'], unique=False)

    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=160), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('organisation', sa.String(length=160), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('email', name=op.f('uq_people_email'))
    )
    op.create_table('taskforce_functions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_taskforce_functions')),
    sa.UniqueConstraint('slug', name=op.f('uq_taskforce_functions_slug'))
    )
    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themes')),
    sa.UniqueConstraint('slug', name=op.f('uq_themes_slug'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('resident_contact', 'group_contact', 'engagement_officer', 'working_group_member', 'secretariat', 'admin', name='role', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_nonce', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_signed_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lowercase')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_role'), ['role'], unique=False)

    op.create_table('bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.Enum('taskforce', 'members_advisory_group', 'working_group', 'mayoral_taskforce', name='body_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_bodies_theme_id_themes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bodies')),
    sa.UniqueConstraint('name', name=op.f('uq_bodies_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_bodies_slug'))
    )
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bodies_kind'), ['kind'], unique=False)

    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('function_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['function_id'], ['taskforce_functions.id'], name=op.f('fk_indicators_function_id_taskforce_functions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('function_id', 'sort_order', name=op.f('uq_indicators_function_id_sort_order')),
    sa.UniqueConstraint('slug', name=op.f('uq_indicators_slug'))
    )
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicators_function_id'), ['function_id'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('chair', 'deputy_chair', 'independent_member', 'public_service_representative', 'substitute', 'secretariat', 'member', name='membership_role', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('local_authority_id', sa.Integer(), nullable=True),
    sa.Column('substitute_for_id', sa.Integer(), nullable=True),
    sa.Column('term_start', sa.Date(), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('volunteers_agreement_signed_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=300), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role <> 'substitute' OR substitute_for_id IS NOT NULL", name=op.f('ck_memberships_substitute_has_principal')),
    sa.CheckConstraint("role NOT IN ('public_service_representative', 'substitute') OR local_authority_id IS NOT NULL", name=op.f('ck_memberships_representative_has_authority')),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= term_start', name=op.f('ck_memberships_ended_after_start')),
    sa.CheckConstraint('term_end IS NULL OR term_end >= term_start', name=op.f('ck_memberships_term_end_after_start')),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_memberships_body_id_bodies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['local_authority_id'], ['local_authorities.id'], name=op.f('fk_memberships_local_authority_id_local_authorities'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_memberships_person_id_people'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['substitute_for_id'], ['memberships.id'], name=op.f('fk_memberships_substitute_for_id_memberships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_local_authority_id'), ['local_authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_substitute_for_id'), ['substitute_for_id'], unique=False)



def downgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_substitute_for_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_person_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_local_authority_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_body_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicators_function_id'))

    op.drop_table('indicators')
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bodies_kind'))

    op.drop_table('bodies')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_role'))

    op.drop_table('users')
    op.drop_table('themes')
    op.drop_table('taskforce_functions')
    op.drop_table('people')
    with op.batch_alter_table('local_authorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_local_authorities_constituent'))

    op.drop_table('local_authorities')
    op.drop_table('ethnic_groups')
