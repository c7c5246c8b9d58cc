"""Intake: submissions with consent events, contact details and equality answers kept
apart; privacy notice versions; community groups and their engagement; the outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:01:57.841516

"""
from alembic import op
import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# Version 1 of the privacy notice, exactly as residents see it ("## " starts a heading). Its SHA-256 is stored
# so a consent record proves which words the resident was shown.
NOTICE_V1 = """## Who we are
The Race Equity Taskforce is a partnership set up by the West Midlands Combined Authority (WMCA). The WMCA is the data controller for what you tell us through Engage.

## What we collect
Your story and what you would like to change. If you choose to tell us, your local area and the first part of your postcode (like B11), never your full address. If you ask us to contact you, your email address or phone number. If you agree, your answers to equality questions such as your ethnic group. You do not need to give your name.

## What we use it for, only with your agreement
1. Store and analyse your story so the Taskforce understands what is happening. You must agree to this to send a story.
2. Quote your words, without your name or anything that could identify you, in reports and meeting papers. Only if you tick this.
3. Share your story, with personal details removed, with the Taskforce's working groups. Only if you tick this.
4. Contact you about your story. Only if you tick this.
5. Use your equality answers to see whether different communities have different experiences. These answers are kept apart from your story and are only ever published as counts large enough that nobody can be identified. Only if you tick this.

## Who sees it
Engagement officers read every story to remove personal details before anyone else sees it. Working groups only see stories with personal details removed, and never your equality answers. Nothing is sold or used for marketing.

## How long we keep it
We keep stories for as long as the Taskforce needs them to do its work and then delete them. We keep the record of what you agreed to for as long as we hold your story, and for six years after, to show that we asked.

## Your rights
With the code you get after sending your story you can, at any time and without giving a reason: see what you told us, download it, change what you agreed to, or withdraw your story. If you withdraw, we delete your story and your equality answers straight away. You can also complain to the Information Commissioner's Office (ico.org.uk).

## Children
If you are under 13, please ask a parent, carer or a community group to help you tell your story. If you are 13 to 17, we will not quote your words in public."""


def upgrade():
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('receipt_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_pending', ['sent_at', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_receipt_hash'), ['receipt_hash'], unique=False)

    op.create_table('privacy_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_notices')),
    sa.UniqueConstraint('version', name=op.f('uq_privacy_notices_version'))
    )
    op.create_table('community_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('group_type', sa.Enum('registered_charity', 'community_group', 'faith_group', 'social_enterprise', 'residents_association', 'other', name='group_type', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('charity_number', sa.String(length=12), nullable=True),
    sa.Column('company_number', sa.String(length=8), nullable=True),
    sa.Column('communities_served', sa.Text(), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('contact_consent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'verified', 'rejected', name='group_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.String(length=500), nullable=False),
    sa.Column('contact_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_user_id'], ['users.id'], name=op.f('fk_community_groups_contact_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_community_groups_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_groups')),
    sa.UniqueConstraint('contact_user_id', name=op.f('uq_community_groups_contact_user_id'))
    )
    with op.batch_alter_table('community_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_groups_status'), ['status'], unique=False)

    op.create_table('community_group_areas',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('local_authority_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['community_groups.id'], name=op.f('fk_community_group_areas_group_id_community_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['local_authority_id'], ['local_authorities.id'], name=op.f('fk_community_group_areas_local_authority_id_local_authorities'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('group_id', 'local_authority_id', name=op.f('pk_community_group_areas'))
    )
    op.create_table('community_group_themes',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['community_groups.id'], name=op.f('fk_community_group_themes_group_id_community_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_community_group_themes_theme_id_themes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('group_id', 'theme_id', name=op.f('pk_community_group_themes'))
    )
    op.create_table('group_engagements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('event_attended', 'consultation_response', 'meeting_informed', name='engagement_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['community_groups.id'], name=op.f('fk_group_engagements_group_id_community_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_group_engagements_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_engagements'))
    )
    with op.batch_alter_table('group_engagements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_engagements_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_engagements_occurred_on'), ['occurred_on'], unique=False)

    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('received', 'approved', 'rejected', 'duplicate', 'withdrawn', name='submission_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('channel', sa.Enum('web', 'group', 'officer_event', 'officer_phone', name='channel', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('age_group', sa.Enum('under_13', '13_17', '18_plus', name='age_group', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('story', sa.Text(), nullable=True),
    sa.Column('what_to_change', sa.Text(), nullable=True),
    sa.Column('local_authority_id', sa.Integer(), nullable=True),
    sa.Column('postcode_district', sa.String(length=4), nullable=True),
    sa.Column('heard_about', sa.String(length=40), nullable=True),
    sa.Column('consent_store', sa.Boolean(), nullable=False),
    sa.Column('consent_quote', sa.Boolean(), nullable=False),
    sa.Column('consent_share', sa.Boolean(), nullable=False),
    sa.Column('consent_contact', sa.Boolean(), nullable=False),
    sa.Column('consent_equality', sa.Boolean(), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status = 'withdrawn' OR story IS NOT NULL", name=op.f('ck_submissions_story_present_unless_withdrawn')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_submissions_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['community_groups.id'], name=op.f('fk_submissions_group_id_community_groups'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['local_authority_id'], ['local_authorities.id'], name=op.f('fk_submissions_local_authority_id_local_authorities'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
    sa.UniqueConstraint('receipt_hash', name=op.f('uq_submissions_receipt_hash'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_local_authority_id'), ['local_authority_id'], unique=False)
        batch_op.create_index('ix_submissions_status_created', ['status', 'created_at'], unique=False)

    op.create_table('consent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('store', 'quote', 'share', 'contact', 'equality', name='consent_purpose', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('web', 'group', 'officer_event', 'officer_phone', name='channel', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['privacy_notices.id'], name=op.f('fk_consent_events_notice_id_privacy_notices'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_consent_events_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_consent_events_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_events'))
    )
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_events_submission_id'), ['submission_id'], unique=False)

    op.create_table('equality_answers',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('ethnic_group_id', sa.Integer(), nullable=True),
    sa.Column('ethnic_group_other', sa.String(length=120), nullable=True),
    sa.Column('age_band', sa.String(length=20), nullable=True),
    sa.Column('sex', sa.String(length=20), nullable=True),
    sa.Column('gender_same_as_birth', sa.String(length=20), nullable=True),
    sa.Column('disability', sa.String(length=20), nullable=True),
    sa.Column('religion', sa.String(length=40), nullable=True),
    sa.Column('religion_other', sa.String(length=120), nullable=True),
    sa.Column('sexual_orientation', sa.String(length=30), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ethnic_group_id'], ['ethnic_groups.id'], name=op.f('fk_equality_answers_ethnic_group_id_ethnic_groups'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_equality_answers_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_equality_answers'))
    )
    op.create_table('submission_contacts',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.CheckConstraint('email IS NOT NULL OR phone IS NOT NULL', name=op.f('ck_submission_contacts_email_or_phone')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_contacts_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_submission_contacts'))
    )

    notices = sa.table(
        "privacy_notices",
        sa.column("version"),
        sa.column("body"),
        sa.column("sha256"),
        sa.column("published_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        notices,
        [
            {
                "version": 1,
                "body": NOTICE_V1,
                "sha256": hashlib.sha256(NOTICE_V1.encode("utf-8")).hexdigest(),
                "published_at": datetime(2026, 11, 23, tzinfo=UTC),
            }
        ],
    )


def downgrade():
    op.drop_table('submission_contacts')
    op.drop_table('equality_answers')
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_events_submission_id'))

    op.drop_table('consent_events')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index('ix_submissions_status_created')
        batch_op.drop_index(batch_op.f('ix_submissions_local_authority_id'))
        batch_op.drop_index(batch_op.f('ix_submissions_group_id'))

    op.drop_table('submissions')
    with op.batch_alter_table('group_engagements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_engagements_occurred_on'))
        batch_op.drop_index(batch_op.f('ix_group_engagements_group_id'))

    op.drop_table('group_engagements')
    op.drop_table('community_group_themes')
    op.drop_table('community_group_areas')
    with op.batch_alter_table('community_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_groups_status'))

    op.drop_table('community_groups')
    op.drop_table('privacy_notices')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_receipt_hash'))
        batch_op.drop_index('ix_outbox_messages_pending')

    op.drop_table('outbox_messages')
