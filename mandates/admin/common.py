"""Helpers shared by the admin modules."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth.models import User
from django.core.exceptions import (
    FieldDoesNotExist,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db.models import ForeignKey, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject, ModelChange, ModelDelta
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_m2m_reverse_field_name

from mandates.choices import RequestStatus
from mandates.organisation.services import reference_archive, reference_restore, reference_save
from mandates.requests.services import StaleVersion, request_check_version
from mandates.words import shortened
from ssrtracker import limits


def acting_user(request: HttpRequest) -> User | None:
    """The person behind an admin request, for services that record who acted."""
    return request.user if isinstance(request.user, User) else None


class ServiceAdminMixin:
    """An admin whose saves go through the model's service, never Django's own ``save()``.

    :meth:`save_model` hands the object and the form's many-to-many values to
    :meth:`save_through_service`; the rows of inlines go, one by one, to :meth:`save_inline`
    and :meth:`delete_inline`; :meth:`delete_model` to :meth:`delete_through_service`. An
    admin that does not say how refuses the write.
    """

    def save_through_service(
        self, request: HttpRequest, obj: Any, m2m: dict[str, Any], form: Any, change: bool
    ) -> None:
        raise PermissionDenied(_("This cannot be changed here."))

    def save_inline(self, request: HttpRequest, parent: Any, obj: Any, formset: Any) -> None:
        raise PermissionDenied(_("This cannot be changed here."))

    def delete_inline(self, request: HttpRequest, obj: Any) -> None:
        raise PermissionDenied(_("This cannot be deleted here."))

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        raise PermissionDenied(_("This cannot be deleted here."))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        m2m = {
            field.name: form.cleaned_data[field.name]
            for field in obj._meta.many_to_many
            if field.name in form.cleaned_data
        }
        self.save_through_service(request, obj, m2m, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The many-to-many fields were saved with the object, by its service.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        rows = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self.delete_inline(request, obj)
        for obj in rows:
            self.save_inline(request, form.instance, obj, formset)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_through_service(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_through_service(request, obj)


def shorten(text: str, length: int = 90) -> str:
    """``text`` in at most ``length`` characters, cut at a word boundary (never "gendar…")."""
    return shortened(text, length)


def status_badge(status: str, label: Any) -> str:
    # The label is always printed: colour adds meaning but never carries it alone.
    return format_html('<span class="ssr-status ssr-status--{}">{}</span>', status, label)


class NoDeleteMixin:
    """Nothing that carries history is deleted through the app (requests are archived)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def readable_value(field: Any, value: Any) -> Any:
    """A field's stored value as the admin shows it: a choice's label (translated), a date or
    a time in the language's format, yes or no, and "—" for nothing."""
    if value is None or value == "":
        return "—"
    if getattr(field, "flatchoices", None):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return value


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """Changes listed as people read them: labels, not stored codes (``In progress``, not
    ``in_progress``), formatted dates, "—" for an empty value."""

    def prepare_delta_change_value(self, change: Any, value: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            return super().prepare_delta_change_value(change, value)
        return readable_value(field, value)


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Shows who changed what and when; a past version can be viewed, never restored or edited.

    (``SIMPLE_HISTORY_REVERT_DISABLED`` only hides the button; this refuses the POST too.)

    The list names "the system" when no person acted, shows "—" for no reason, and leaves out
    a change that changed nothing shown (a save that touched only untracked fields) unless it
    gives a reason.
    """

    object_history_list_template = "admin/mandates/history_list.html"

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> Any:
        return ReadableHistoryHelper(self.model, historical_record)

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        """What each record of the page changed, as django-simple-history shows it, but with the
        many-to-many links of the whole page read at once (one query per link, not two per
        record) and each record named from the objects loaded with it."""
        records = list(historical_records)
        # The oldest record of a page has no older one on the page: diff it with the one
        # before it (one query), so that it too can be judged.
        last = records[-1] if records else None
        older = last.prev_record if last is not None and last.history_type == "~" else None
        chain = records + ([older] if older is not None else [])
        links = _history_links(chain)
        for newer, old in itertools.pairwise(chain):
            delta = newer.diff_against(
                old, excluded_fields=list(links), foreign_keys_are_objs=foreign_keys_are_objs
            )
            changes = list(delta.changes)
            for name, rows in links.items():
                before, after = rows.get(old.history_id, []), rows.get(newer.history_id, [])
                if _link_keys(before) != _link_keys(after):
                    changes.append(ModelChange(name, before, after))
            changes.sort(key=lambda change: change.field)
            delta = ModelDelta(changes, [c.field for c in changes], old, newer)
            helper = self.get_historical_record_context_helper(request, newer)
            newer.history_delta_changes = helper.context_for_delta_changes(delta)
        for record in records:
            empty = record.history_type == "~" and not getattr(
                record, "history_delta_changes", True
            )
            record.history_shown = not (empty and not record.history_change_reason)
            record.history_label = _history_label(record)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        if request.method == "POST":
            raise PermissionDenied(_("History is a record and cannot be changed."))
        return super().history_form_view(request, object_id, version_id, extra_context)


def _history_links(records: list[Any]) -> dict[str, dict[int, list[dict[str, Any]]]]:
    """The many-to-many links of each historical record, by field and record: rows as
    django-simple-history's diffs have them (through field -> object, or a ``DeletedObject``),
    in the order of the linked model. One query per many-to-many field."""
    if not records:
        return {}
    links: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for field in records[0]._history_m2m_fields:
        through = getattr(records[0], field.name).model
        target = get_m2m_reverse_field_name(field)
        names = [
            f.name
            for f in through._meta.fields
            if f.editable and f.name not in ("id", "m2m_history_id", "history")
        ]
        keys = [n for n in names if isinstance(through._meta.get_field(n), ForeignKey)]
        found: dict[int, list[dict[str, Any]]] = {}
        rows = through.objects.filter(history__in=[r.history_id for r in records])
        for row in rows.select_related(*keys):
            found.setdefault(row.history_id, []).append(
                {name: _linked(row, through, name) for name in names}
            )
        ordering = field.related_model._meta.ordering or ["pk"]
        for items in found.values():
            items.sort(key=lambda item: _ordering_key(item[target], ordering))
        links[field.name] = found
    return links


def _linked(row: Any, through: Any, name: str) -> Any:
    column = through._meta.get_field(name)
    if not isinstance(column, ForeignKey):
        return getattr(row, name)
    try:
        value = getattr(row, name)
    except ObjectDoesNotExist:
        value = None
    if value is None:
        value = DeletedObject(column.related_model, getattr(row, column.attname))
    return value


def _ordering_key(obj: Any, ordering: list[str]) -> tuple[Any, ...]:
    if isinstance(obj, DeletedObject):
        return (1, str(obj.pk))
    values = []
    for name in ordering:
        try:
            column = obj._meta.get_field(str(name).lstrip("-"))
        except FieldDoesNotExist:
            continue
        value = getattr(obj, column.attname, None)  # a related object's id: no query
        values.append((value is None, value if isinstance(value, int) else str(value or "")))
    return (0, *values, obj.pk)


def _link_keys(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows as ids, to compare two records' links."""
    return sorted(
        tuple(str(getattr(value, "pk", value)) for _name, value in sorted(row.items()))
        for row in rows
    )


def _history_label(record: Any) -> str:
    """The name of the object as it was, from the related objects loaded with the record
    (``str()`` of the rebuilt object would fetch each of them again)."""
    obj = record.history_object
    for column in obj._meta.concrete_fields:
        if column.is_relation and column.is_cached(record):
            column.set_cached_value(obj, column.get_cached_value(record))
    return str(obj)


def storable(column: Any, value: Any) -> bool:
    """Can ``value``, as submitted, be looked up in ``column`` (the right type, in range)?"""
    try:
        python = column.get_prep_value(column.to_python(value))
    except (ValidationError, ValueError, TypeError):
        return False
    return not isinstance(python, int) or -limits.MAX_BIGINT <= python <= limits.MAX_BIGINT


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids no column can hold as "not a valid value" before Django's ``__in`` lookup,
    which fails on them with a server error (an OverflowError or a database error)."""

    def _check_values(self, value: Any) -> Any:
        key = self.to_field_name or "pk"
        model = self.queryset.model  # type: ignore[union-attr]
        column = model._meta.pk if key == "pk" else model._meta.get_field(key)
        for item in value or ():
            if not storable(column, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)  # type: ignore[misc]


class _ValidValuesOnly:
    """Autocomplete widgets redisplay the submitted values by looking them up; Django passes
    them to the database as they came, so a form sent back with a value that is not an id
    (``'abc'``, ``10**30``) failed with a server error instead of showing its errors. Only
    values the target column can hold are looked up; the form still reports the bad ones."""

    field: Any

    def optgroups(self, name: str, value: list[Any], attr: Any = None) -> Any:
        target = self.field.target_field
        usable = [item for item in value if storable(target, item)]
        return super().optgroups(name, usable, attr)  # type: ignore[misc]


class SafeAutocompleteSelect(_ValidValuesOnly, AutocompleteSelect):
    #: The chosen object, when the row it belongs to loaded it already (see
    #: :class:`LoadedChoicesFormSet`): named without looking it up again.
    loaded: Any = None

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        loaded = self.loaded
        if loaded is None or [str(item) for item in value] != [str(loaded.pk)]:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(loaded)
        options.append(self.create_option(name, loaded.pk, label, True, len(options)))
        return [(None, options, 0)]


class LatestRowsFormSet(BaseInlineFormSet):
    """A read-only inline of a list that only grows (a request's timeline, its fulfilments):
    its first ``limit`` rows in the inline's order, the newest, and whether there are more
    (read with the rows, not counted). The page stays the same size however long the list;
    the inline's template links to the whole list."""

    limit = 50
    more = False

    def get_queryset(self) -> Any:
        if not hasattr(self, "_latest"):
            rows = list(super().get_queryset()[: self.limit + 1])
            self.more = len(rows) > self.limit
            self._latest = rows[: self.limit]
        return self._latest


class LoadedChoicesFormSet(BaseInlineFormSet):
    """An inline whose rows name their autocomplete choices from the objects loaded with the
    rows (the inline's ``select_related``): one query for the rows, not one more per row and
    box, however many rows the object has."""

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        instance = form.instance
        if instance.pk is None:
            return form
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, SafeAutocompleteSelect):
                continue
            column = instance._meta.get_field(name)
            if column.is_cached(instance) and column.target_field == column.related_model._meta.pk:
                widget.loaded = column.get_cached_value(instance)
        return form


class SafeAutocompleteSelectMultiple(_ValidValuesOnly, AutocompleteSelectMultiple):  # type: ignore[misc]
    pass


class SafeAutocompleteMixin:
    """Use on every ModelAdmin with ``autocomplete_fields``: the same widgets, safe on bad
    input (see :class:`_ValidValuesOnly`)."""

    admin_site: Any
    get_autocomplete_fields: Any

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


def each_through_service(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Any],
    call: Callable[[Any, User | None], Any],
    *,
    done: Any,
    name: Callable[[Any], str] = str,
) -> None:
    """An admin action's work: ``call(obj, person)`` on each selected row, a refusal reported
    for its row and the rest going on, then one message counting what was done."""
    count = 0
    for obj in queryset:
        try:
            call(obj, acting_user(request))
        except PermissionDenied as exc:
            model_admin.message_user(request, f"{name(obj)}: {exc}", messages.WARNING)
        else:
            count += 1
    if count:
        model_admin.message_user(request, done % {"count": count}, messages.SUCCESS)


class ArchivedFilter(admin.SimpleListFilter):
    """Current reference data by default; the archived on request."""

    title = _("state")
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("Current")), ("yes", _("Archived")), ("all", _("All"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        if self.value() == "all":
            return queryset
        return queryset.filter(archived_at__isnull=True)

    def choices(self, changelist: Any) -> Any:
        # "Current" stands for the default, so no "All" entry of Django's own is shown.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "no") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class ArchiveInsteadOfDeleteAdmin(
    ServiceAdminMixin, SafeAutocompleteMixin, NoDeleteMixin, admin.ModelAdmin
):
    """Admin of reference data (units, themes): archived and restored, never deleted; archived
    rows are not offered in the autocomplete of fields that pick them for new work."""

    actions = ["archive_selected", "restore_selected"]

    def save_through_service(
        self, request: HttpRequest, obj: Any, m2m: dict[str, Any], form: Any, change: bool
    ) -> None:
        reference_save(obj=obj, by=acting_user(request), m2m=m2m)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(archived_at__isnull=True).order_by(
                *queryset.model._meta.ordering, "pk"
            )
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("archived"), boolean=True, ordering="archived_at")
    def is_archived(self, obj: Any) -> bool:
        return obj.archived_at is not None

    @admin.action(description=_("Archive the selected rows"), permissions=["change"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._each(request, queryset, reference_archive, _("Archived %(count)d row(s)."))

    @admin.action(
        description=_("Restore the selected rows from the archive"), permissions=["change"]
    )
    def restore_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._each(request, queryset, reference_restore, _("Restored %(count)d row(s)."))

    def _each(self, request: HttpRequest, queryset: QuerySet[Any], service: Any, done: Any) -> None:
        each_through_service(
            self, request, queryset, lambda obj, by: service(obj=obj, by=by), done=done
        )


def check_version_seen(request: Any, version_seen: int | None) -> None:
    """Lock ``request`` until the admin's transaction ends (two saves cannot interleave) and
    refuse the form if it changed since the editor opened it, saying what changed meanwhile."""
    if request.pk is None or version_seen is None:
        return
    try:
        request_check_version(request=request, expected_version=version_seen)
    except StaleVersion as exc:
        changes = "; ".join(exc.changes) or _("(details unavailable)")
        raise ValidationError(
            _(
                "%(message)s Changed meanwhile: %(changes)s. Your changes were not "
                "saved: reload the page, check them and save again."
            ),
            params={"message": str(exc), "changes": changes},
            code="stale",
        ) from None


class StatusUpdateFields(forms.Form):
    """The fields of a status update saved with an admin form (a request's, a mission line's),
    and the version the editor saw."""

    new_status = forms.ChoiceField(
        label=_("New status"),
        choices=RequestStatus.choices,
        help_text=_("Keep the current status to record a progress note."),
    )
    update_note = forms.CharField(
        label=_("Update note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("What was done or decided. Saved with your name and the time."),
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"), required=False, assume_scheme="https", max_length=500
    )
    version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)
