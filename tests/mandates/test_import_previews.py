"""A sheet previewed through one web host is confirmed through another: the preview is kept in
the default storage (a shared MEDIA_ROOT, or a bucket), under import-previews/, and deleted
once imported or an hour later."""

from __future__ import annotations

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from mandates.imports import pending
from mandates.models import Request
from tests.mandates.test_admin_imports import GOOD, IMPORT_URL, logged_in, mine, sheet

pytestmark = pytest.mark.django_db
__all__ = ["mine"]  # the fixture, shared with the admin import tests


def _keys(s3_client, bucket: str) -> list[str]:
    listed = s3_client.list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listed.get("Contents", [])]


def test_a_preview_made_on_one_host_is_confirmed_on_another(
    use_s3, s3_client, settings, tmp_path, staff_a, mine
):
    bucket = use_s3()
    host_a, host_b = tmp_path / "host-a", tmp_path / "host-b"
    settings.MEDIA_ROOT = host_a
    preview = logged_in(staff_a).post(IMPORT_URL, {"file": sheet(GOOD)})
    token = preview.context["token"]
    [kept] = _keys(s3_client, bucket)
    assert kept.startswith("import-previews/")
    assert kept.endswith(".csv")
    assert "tracker" not in kept  # a random name, not the uploaded one

    # The other host: its own storage object (same bucket) and its own disk.
    use_s3(bucket)
    settings.MEDIA_ROOT = host_b
    done = logged_in(staff_a).post(IMPORT_URL, {"confirm": "1", "token": token})

    assert done.status_code == 302
    assert Request.objects.get(reference="new-one").title == "A new task"
    assert _keys(s3_client, bucket) == []  # deleted once imported
    assert not host_a.exists()
    assert not host_b.exists()


def test_on_the_file_system_previews_live_in_the_shared_media_root(settings, tmp_path, staff_a):
    settings.MEDIA_ROOT = tmp_path
    token = pending.store(
        data=b"a,b\n", user_id=staff_a.pk, kind="requests", file_format="csv", filename="t.csv"
    )
    [kept] = (tmp_path / "import-previews").iterdir()

    assert pending.load(token, user_id=staff_a.pk, kind="requests") == (b"a,b\n", "csv", "t.csv")
    pending.discard(token)
    assert not kept.exists()


def test_previews_nobody_confirmed_are_swept_from_the_bucket(
    use_s3, s3_client, staff_a, monkeypatch
):
    bucket = use_s3()
    first = pending.store(
        data=b"1", user_id=staff_a.pk, kind="requests", file_format="csv", filename="1.csv"
    )
    monkeypatch.setattr(pending, "MAX_AGE", -60)  # every preview made so far is now too old
    pending.store(
        data=b"2", user_id=staff_a.pk, kind="requests", file_format="csv", filename="2.csv"
    )
    monkeypatch.undo()

    assert len(_keys(s3_client, bucket)) == 1
    with pytest.raises(pending.Expired):
        pending.load(first, user_id=staff_a.pk, kind="requests")


def test_a_token_naming_another_file_is_refused_and_deletes_nothing(settings, tmp_path, staff_a):
    settings.MEDIA_ROOT = tmp_path
    evidence = default_storage.save("evidence/2026/01/note.csv", ContentFile(b"x"))
    forged = signing.dumps(
        {"name": evidence, "user": staff_a.pk, "kind": "requests", "format": "csv"},
        salt=pending.SALT,
    )

    with pytest.raises(pending.Expired):
        pending.load(forged, user_id=staff_a.pk, kind="requests")
    pending.discard(forged)
    assert default_storage.exists(evidence)
