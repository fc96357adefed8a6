"""FILE_STORAGE: where uploaded files live (file system, S3, Azure), read from the environment
with a one-line message for a bad or missing variable. Azure is checked here only: its storage
is built from the settings without a server."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import Resolver404, resolve

from ssrtracker.env import file_storage_from_env
from tests.ssrtracker.test_settings import run_manage

VARIABLES = [
    "FILE_STORAGE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_LOCATION",
    "AWS_S3_ADDRESSING_STYLE",
    "AZURE_CONNECTION_STRING",
    "AZURE_ACCOUNT_NAME",
    "AZURE_ACCOUNT_KEY",
    "AZURE_CONTAINER",
]
AZURE_CONNECTION = (
    "DefaultEndpointsProtocol=https;AccountName=ssrtracker;AccountKey=a2V5;"
    "EndpointSuffix=core.windows.net"
)


@pytest.fixture
def env(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def test_the_file_system_is_the_default(env):
    assert file_storage_from_env() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    env(FILE_STORAGE=" FileSystem ")
    assert file_storage_from_env()["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_with_every_variable(env):
    env(
        FILE_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="evidence",
        AWS_S3_ENDPOINT_URL="https://minio.internal:9000",
        AWS_S3_REGION_NAME="eu-west-3",
        AWS_ACCESS_KEY_ID="key-id",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_LOCATION="/ssrtracker/",
        AWS_S3_ADDRESSING_STYLE="path",
    )
    config = file_storage_from_env()
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert config["OPTIONS"] == {
        "bucket_name": "evidence",
        "default_acl": None,
        "file_overwrite": False,
        "endpoint_url": "https://minio.internal:9000",
        "access_key": "key-id",
        "secret_key": "secret",
        "region_name": "eu-west-3",
        "location": "ssrtracker",
        "addressing_style": "path",
    }
    from storages.backends.s3 import S3Storage

    storage = S3Storage(**config["OPTIONS"])
    # Private objects; a second file of the same name gets its own object.
    assert storage.default_acl is None
    assert storage.file_overwrite is False


def test_s3_with_the_machines_own_credentials(env):
    env(FILE_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="evidence")
    options = file_storage_from_env()["OPTIONS"]
    assert "access_key" not in options
    assert "endpoint_url" not in options


def test_the_s3_secret_can_come_from_a_file(env, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    env(
        FILE_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="evidence",
        AWS_ACCESS_KEY_ID="key-id",
        AWS_SECRET_ACCESS_KEY_FILE=str(secret),
    )
    assert file_storage_from_env()["OPTIONS"]["secret_key"] == "from-a-file"


def test_azure_with_a_connection_string(env):
    env(FILE_STORAGE="azure", AZURE_CONNECTION_STRING=AZURE_CONNECTION, AZURE_CONTAINER="media")
    config = file_storage_from_env()
    assert config == {
        "BACKEND": "storages.backends.azure_storage.AzureStorage",
        "OPTIONS": {
            "azure_container": "media",
            "overwrite_files": False,
            "connection_string": AZURE_CONNECTION,
        },
    }
    from storages.backends.azure_storage import AzureStorage

    storage = AzureStorage(**config["OPTIONS"])
    assert storage.azure_container == "media"
    assert storage.overwrite_files is False


def test_azure_with_an_account_name_and_key(env):
    env(
        FILE_STORAGE="azure",
        AZURE_ACCOUNT_NAME="ssrtracker",
        AZURE_ACCOUNT_KEY="a2V5",
        AZURE_CONTAINER="media",
    )
    options = file_storage_from_env()["OPTIONS"]
    assert (options["account_name"], options["account_key"]) == ("ssrtracker", "a2V5")
    assert "connection_string" not in options


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"FILE_STORAGE": "s4"}, r"FILE_STORAGE='s4' is not a file storage; use filesystem, s3"),
        ({"FILE_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME is required when FILE_STORAGE=s3"),
        (
            {"FILE_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "b", "AWS_ACCESS_KEY_ID": "k"},
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together",
        ),
        (
            {"FILE_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_ENDPOINT_URL": "minio"},
            "AWS_S3_ENDPOINT_URL='minio' must start with https://",
        ),
        (
            {"FILE_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_ADDRESSING_STYLE": "x"},
            "AWS_S3_ADDRESSING_STYLE='x' is not one of auto, path, virtual",
        ),
        (
            {"FILE_STORAGE": "azure", "AZURE_CONNECTION_STRING": AZURE_CONNECTION},
            "AZURE_CONTAINER is required when FILE_STORAGE=azure",
        ),
        (
            {"FILE_STORAGE": "azure", "AZURE_CONTAINER": "media", "AZURE_ACCOUNT_NAME": "a"},
            "FILE_STORAGE=azure needs AZURE_CONNECTION_STRING, or AZURE_ACCOUNT_NAME and",
        ),
    ],
)
def test_a_bad_or_missing_variable_is_explained(env, values, message):
    env(**values)
    with pytest.raises(ImproperlyConfigured, match=message):
        file_storage_from_env()


def test_a_bad_storage_stops_start_up_with_one_line():
    result = run_manage("check", DEBUG="1", FILE_STORAGE="s3")
    assert result.returncode == 2
    assert result.stderr == (
        "Configuration error: AWS_STORAGE_BUCKET_NAME is required when FILE_STORAGE=s3. "
        "Set AWS_STORAGE_BUCKET_NAME or AWS_STORAGE_BUCKET_NAME_FILE.\n"
    )


def test_no_address_serves_the_stored_files(settings):
    """Evidence is streamed by the app to people who may read it, never at MEDIA_URL."""
    for path in (f"/{settings.MEDIA_URL}evidence/2026/01/note.pdf", "/media/import-previews/x"):
        with pytest.raises(Resolver404):
            resolve(path)
