"""The mandates domain: documents and paragraphs, missions and units, requests and benchmarks."""

from mandates.models.benchmarks import Benchmark, BenchmarkAssessment
from mandates.models.documents import Document, Paragraph, Theme
from mandates.models.integration import (
    ApiToken,
    CalendarFeed,
    WebhookDelivery,
    WebhookEndpoint,
    hash_secret,
)
from mandates.models.organisation import AddresseeRoute, Mission, Unit, UnitMembership
from mandates.models.reporting import CoverageItem, PartnerSupport, SecretaryGeneralReport
from mandates.models.requests import Request, StatusUpdate

__all__ = [
    "AddresseeRoute",
    "ApiToken",
    "Benchmark",
    "BenchmarkAssessment",
    "CalendarFeed",
    "CoverageItem",
    "Document",
    "Mission",
    "Paragraph",
    "PartnerSupport",
    "Request",
    "SecretaryGeneralReport",
    "StatusUpdate",
    "Theme",
    "Unit",
    "UnitMembership",
    "WebhookDelivery",
    "WebhookEndpoint",
    "hash_secret",
]
