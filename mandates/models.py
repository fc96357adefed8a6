"""The mandates domain: documents and paragraphs, missions and units, requests and benchmarks."""

from mandates.activities.models import Activity
from mandates.benchmarks.models import Benchmark, BenchmarkAssessment
from mandates.documents.models import Document, Paragraph, Theme
from mandates.integration.models import (
    ApiToken,
    CalendarFeed,
    OutboxMessage,
    WebhookEndpoint,
    hash_secret,
)
from mandates.organisation.models import (
    AddresseeRoute,
    MandateRenewal,
    Mission,
    Unit,
    UnitMembership,
)
from mandates.requests.models import Request, RequestMission, StatusUpdate
from mandates.sg_reports.models import (
    CoverageItem,
    Fulfilment,
    PartnerSupport,
    ReportingDate,
    SecretaryGeneralReport,
)

__all__ = [
    "Activity",
    "AddresseeRoute",
    "ApiToken",
    "Benchmark",
    "BenchmarkAssessment",
    "CalendarFeed",
    "CoverageItem",
    "Document",
    "Fulfilment",
    "MandateRenewal",
    "Mission",
    "OutboxMessage",
    "Paragraph",
    "PartnerSupport",
    "ReportingDate",
    "Request",
    "RequestMission",
    "SecretaryGeneralReport",
    "StatusUpdate",
    "Theme",
    "Unit",
    "UnitMembership",
    "WebhookEndpoint",
    "hash_secret",
]
