"""All models, imported here so Alembic and the app see the whole schema."""

from engage.models.audit import AuditEvent
from engage.models.base import Base
from engage.models.bodies import (
    Body,
    BodyKind,
    DigestCadence,
    Membership,
    MembershipRole,
    Person,
)
from engage.models.digests import Digest, DigestRead
from engage.models.groups import (
    CommunityGroup,
    EngagementKind,
    GroupEngagement,
    GroupStatus,
    GroupType,
)
from engage.models.meetings import (
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MeetingAction,
    MeetingPack,
    MeetingStatus,
    Paper,
)
from engage.models.moderation import SafeguardingCategory, SafeguardingFlag
from engage.models.outbox import OutboxMessage
from engage.models.reference import (
    EthnicGroup,
    Indicator,
    LocalAuthority,
    TaskforceFunction,
    Theme,
)
from engage.models.resident_sessions import ResidentSession, ResidentSessionPurpose
from engage.models.routing import ConfirmedTheme, RoutingRule, StoryRoute
from engage.models.submissions import (
    AgeGroup,
    Channel,
    ConsentEvent,
    EqualityAnswers,
    PrivacyNotice,
    PrivacyNoticeTranslation,
    Purpose,
    Submission,
    SubmissionContact,
    SubmissionStatus,
)
from engage.models.tagging import (
    PiiProposal,
    ProposalStatus,
    SubmissionTheme,
    TaggingStatus,
    ThemeLabel,
)
from engage.models.users import RecoveryCode, Role, User

__all__ = [
    "ActionStatus",
    "ActionUpdate",
    "AgendaItem",
    "Attendance",
    "AttendanceStatus",
    "ConfirmedTheme",
    "Decision",
    "Digest",
    "DigestCadence",
    "DigestRead",
    "Meeting",
    "MeetingAction",
    "MeetingPack",
    "MeetingStatus",
    "Paper",
    "RoutingRule",
    "StoryRoute",
    "ResidentSession",
    "ResidentSessionPurpose",
    "AuditEvent",
    "RecoveryCode",
    "SafeguardingCategory",
    "SafeguardingFlag",
    "AgeGroup",
    "Base",
    "Channel",
    "CommunityGroup",
    "ConsentEvent",
    "EngagementKind",
    "EqualityAnswers",
    "GroupEngagement",
    "GroupStatus",
    "GroupType",
    "OutboxMessage",
    "PiiProposal",
    "ProposalStatus",
    "PrivacyNotice",
    "PrivacyNoticeTranslation",
    "Purpose",
    "Submission",
    "SubmissionContact",
    "SubmissionStatus",
    "SubmissionTheme",
    "TaggingStatus",
    "ThemeLabel",
    "Body",
    "BodyKind",
    "EthnicGroup",
    "Indicator",
    "LocalAuthority",
    "Membership",
    "MembershipRole",
    "Person",
    "Role",
    "TaskforceFunction",
    "Theme",
    "User",
]
