"""factory_boy factories for test data (JSON fixtures are only for the seed and the demo)."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from mandates.choices import (
    ActivityKind,
    DocumentKind,
    MissionKind,
    OwnershipElement,
    ParagraphKind,
    PartnerKind,
    Rating,
    UnitKind,
)
from mandates.models import (
    Activity,
    Benchmark,
    BenchmarkAssessment,
    Document,
    Mission,
    Paragraph,
    PartnerSupport,
    Request,
    SecretaryGeneralReport,
    StatusUpdate,
    Theme,
    Unit,
)

#: Factory dates step by quarters and wrap after this many, to stay before 2100.
QUARTERS = 280


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class ThemeFactory(factory.django.DjangoModelFactory[Theme]):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")
    kind = "cross_cutting"


class DocumentFactory(factory.django.DjangoModelFactory[Document]):
    class Meta:
        model = Document
        django_get_or_create = ["symbol"]

    kind = DocumentKind.RESOLUTION
    symbol = factory.Sequence(lambda n: f"S/RES/{3000 + n} (2025)")
    citation_label = factory.LazyAttribute(lambda d: d.symbol.removeprefix("S/RES/"))
    date = datetime.date(2025, 1, 15)
    title = "Test resolution"


class ParagraphFactory(factory.django.DjangoModelFactory[Paragraph]):
    class Meta:
        model = Paragraph

    document = factory.SubFactory(DocumentFactory)
    kind = ParagraphKind.OPERATIVE
    number = factory.Sequence(lambda n: n + 1)
    order = factory.LazyAttribute(lambda p: p.number * 100)
    text = "Requests the Secretary-General to report on progress;"
    lead_verb = "Requests"


class MissionFactory(factory.django.DjangoModelFactory[Mission]):
    class Meta:
        model = Mission
        django_get_or_create = ["acronym"]

    acronym = factory.Sequence(lambda n: f"MISSION{n}")
    name = factory.LazyAttribute(lambda m: f"United Nations Mission {m.acronym}")
    kind = MissionKind.PEACEKEEPING
    host_country = "Utopia"
    start_date = datetime.date(2015, 1, 1)
    reporting_cycle_months = 3


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit
        django_get_or_create = ["acronym"]

    acronym = factory.Sequence(lambda n: f"UNIT{n}")
    name = factory.LazyAttribute(lambda u: f"Unit {u.acronym}")
    kind = UnitKind.HQ


class RequestFactory(factory.django.DjangoModelFactory[Request]):
    class Meta:
        model = Request
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"req-{n}")
    title = factory.Sequence(lambda n: f"Request {n}")
    lead_unit = factory.SubFactory(UnitFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=45))

    @factory.post_generation
    def missions(self, create, extracted, **kwargs):
        if create and extracted:
            self.missions.set(extracted)

    @factory.post_generation
    def paragraphs(self, create, extracted, **kwargs):
        if create and extracted:
            self.paragraphs.set(extracted)

    @factory.post_generation
    def supporting_units(self, create, extracted, **kwargs):
        if create and extracted:
            self.supporting_units.set(extracted)


class StatusUpdateFactory(factory.django.DjangoModelFactory[StatusUpdate]):
    class Meta:
        model = StatusUpdate

    request = factory.SubFactory(RequestFactory)
    status_from = "not_started"
    status_to = "not_started"
    note = "Progress note."
    author_name = "SSR Unit"


class BenchmarkFactory(factory.django.DjangoModelFactory[Benchmark]):
    class Meta:
        model = Benchmark

    reference = factory.Sequence(lambda n: f"bm-{n}")
    mission = factory.SubFactory(MissionFactory)
    ownership_element = OwnershipElement.MONITORING_EVALUATION
    indicator = "National SSR strategy monitored by a functioning secretariat"
    responsible_unit = factory.SubFactory(UnitFactory)


class BenchmarkAssessmentFactory(factory.django.DjangoModelFactory[BenchmarkAssessment]):
    class Meta:
        model = BenchmarkAssessment

    benchmark = factory.SubFactory(BenchmarkFactory)
    # Quarters from 2020, wrapping within the dates people may enter (up to 2099): a long test
    # run creates hundreds of assessments.
    period_start = factory.Sequence(
        lambda n: datetime.date(2020, 1, 1) + datetime.timedelta((n % QUARTERS) * 91)
    )
    period_end = factory.LazyAttribute(lambda a: a.period_start + datetime.timedelta(days=90))
    rating = Rating.ON_TRACK
    value = "3 of 4 meetings held"


class SecretaryGeneralReportFactory(factory.django.DjangoModelFactory[SecretaryGeneralReport]):
    """A report without its checklist; use ``reporting.report_register`` for a registered one."""

    class Meta:
        model = SecretaryGeneralReport

    mission = factory.SubFactory(MissionFactory)
    symbol = factory.Sequence(lambda n: f"S/2026/{100 + n}")
    date = factory.Sequence(
        lambda n: datetime.date(2025, 1, 15) + datetime.timedelta((n % QUARTERS) * 91)
    )


class PartnerSupportFactory(factory.django.DjangoModelFactory[PartnerSupport]):
    class Meta:
        model = PartnerSupport

    partner = "European Union"
    partner_kind = PartnerKind.EUROPEAN_UNION
    mission = factory.SubFactory(MissionFactory)
    period_start = datetime.date(2025, 1, 1)


class ActivityFactory(factory.django.DjangoModelFactory[Activity]):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    kind = ActivityKind.TRAINING
    title = factory.Sequence(lambda n: f"SSR training {n}")
    start_date = datetime.date(2026, 5, 12)
    end_date = datetime.date(2026, 5, 14)
    story = "Police and justice officials trained on oversight."

    @factory.post_generation
    def missions(self, create, extracted, **kwargs):
        if create and extracted:
            self.missions.set(extracted)

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)
