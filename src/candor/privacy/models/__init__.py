"""The privacy engine's tables, a module per concern.

The modules with the engine's rules (audit.py, consent.py, disclosure.py, roles.py and the others) import
their tables from here; nothing here imports them, so loading the models never runs the engine's logic
and no module of the engine waits on another at import time.
"""

from candor.privacy.models.audit import AccessEventType, AccessLogEntry, AuditChainHead, AuditCheckpoint
from candor.privacy.models.consent import Consent, Purpose
from candor.privacy.models.disclosure import Basis, Disclosure, ProtectionReason, SharingPermission
from candor.privacy.models.events import (
    BrowserSignalCount,
    CspReport,
    EventType,
    JobLock,
    LegalHold,
    PrivateEvent,
    PurgeRun,
    ResearchAgreement,
)
from candor.privacy.models.roles import AccessPolicyAcceptance, Role, RoleAssignment

__all__ = [
    "AccessEventType",
    "AccessLogEntry",
    "AccessPolicyAcceptance",
    "AuditChainHead",
    "AuditCheckpoint",
    "Basis",
    "BrowserSignalCount",
    "Consent",
    "CspReport",
    "Disclosure",
    "EventType",
    "JobLock",
    "LegalHold",
    "PrivateEvent",
    "ProtectionReason",
    "Purpose",
    "PurgeRun",
    "ResearchAgreement",
    "Role",
    "RoleAssignment",
    "SharingPermission",
]
