"""An S3 server for the tests of ``FILE_STORAGE=s3``: moto's, started on 127.0.0.1 on a free port
for the session, with an empty bucket per test.

``s3_storage`` points the default storage at a new bucket, with the settings the app builds from
``FILE_STORAGE=s3`` and its variables (``ssrtracker.env.file_storage_from_env``)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ssrtracker.env import file_storage_from_env

ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_client(s3_endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


@pytest.fixture
def s3_bucket(s3_client: Any) -> Callable[[], str]:
    """Makes a new, empty bucket and returns its name."""

    def make() -> str:
        name = f"ssrtracker-{uuid.uuid4().hex[:12]}"
        s3_client.create_bucket(Bucket=name)
        return name

    return make


def s3_settings(monkeypatch: pytest.MonkeyPatch, endpoint: str, bucket: str) -> dict[str, Any]:
    """``STORAGES["default"]`` as the app builds it for ``FILE_STORAGE=s3`` and ``bucket``."""
    for name, value in {
        "FILE_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }.items():
        monkeypatch.setenv(name, value)
    return file_storage_from_env()


@pytest.fixture
def use_s3(
    settings: Any, monkeypatch: pytest.MonkeyPatch, s3_endpoint: str, s3_bucket: Callable[[], str]
) -> Callable[[str | None], str]:
    """Points the default storage at a bucket (a new one unless named); returns its name.
    Django makes new storage objects whenever STORAGES changes."""

    def use(bucket: str | None = None) -> str:
        name = bucket or s3_bucket()
        settings.STORAGES = {
            **settings.STORAGES,
            "default": s3_settings(monkeypatch, s3_endpoint, name),
        }
        return name

    return use
