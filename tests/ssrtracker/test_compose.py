"""The compose file runs a cluster: ``docker compose up --scale web=3 --scale worker=3``.

Docker Compose itself checks the file (``config``) where it is installed; the rest reads the file
and the proxy's configuration, and runs everywhere.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ssrtracker import limits
from ssrtracker.proxy import parse_networks
from tests.conftest import compose_command

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
MEDIA = "media:/var/lib/ssrtracker/media"


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def services() -> dict:
    return compose()["services"]


def nginx() -> str:
    # The directives, without the comments.
    lines = NGINX_CONF.read_text(encoding="utf-8").splitlines()
    return "\n".join(line.split("#", 1)[0] for line in lines)


# --- Docker Compose's own check --------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what compose reads, with the .env a new user makes from .env.example."""
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / "Dockerfile", tmp_path / "Dockerfile")
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    return tmp_path


@pytest.mark.compose
@pytest.mark.parametrize("profile", [[], ["--profile", "s3"]], ids=["default", "s3"])
def test_docker_compose_accepts_the_file(project: Path, profile: list[str]) -> None:
    command = compose_command()
    assert command is not None
    done = subprocess.run(  # noqa: S603 - fixed argv
        [*command, *profile, "config", "-q"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


# --- the services ----------------------------------------------------------------------------


def test_web_publishes_no_port_so_it_scales() -> None:
    web = services()["web"]
    assert "ports" not in web
    assert "container_name" not in web


def test_only_the_proxy_and_mailpit_publish_ports() -> None:
    published = {name for name, service in services().items() if service.get("ports")}
    assert published == {"proxy", "mailpit"}
    assert services()["proxy"]["ports"] == ["8000:8000"]


def test_the_proxy_is_nginx_with_the_committed_configuration_read_only() -> None:
    proxy = services()["proxy"]
    assert re.fullmatch(r"nginx:[\w.-]+", proxy["image"])
    assert proxy["volumes"] == ["./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro"]
    assert NGINX_CONF.is_file()
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"


def test_health_checks_need_no_allowed_host() -> None:
    # /healthz answers before the Host header is checked (ssrtracker/health.py).
    web = " ".join(services()["web"]["healthcheck"]["test"])
    proxy = " ".join(services()["proxy"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in web
    assert "http://127.0.0.1:8000/healthz" in proxy  # through the proxy to a web replica
    assert services()["minio"]["healthcheck"]["test"]


def test_exactly_one_beat() -> None:
    beat = services()["beat"]
    assert beat["deploy"]["replicas"] == 1
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "do not scale beat" in text


def test_web_and_worker_share_the_media_volume() -> None:
    assert MEDIA in services()["web"]["volumes"]
    assert MEDIA in services()["worker"]["volumes"]
    assert "media" in compose()["volumes"]


def test_minio_and_its_bucket_only_with_the_s3_profile() -> None:
    assert services()["minio"]["profiles"] == ["s3"]
    assert services()["createbuckets"]["profiles"] == ["s3"]
    assert services()["minio"]["image"].startswith("minio/minio:")
    assert "miniodata:/data" in services()["minio"]["volumes"]
    profiled = {name for name, service in services().items() if service.get("profiles")}
    assert profiled == {"minio", "createbuckets"}


def test_the_s3_settings_are_shown_by_their_names() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for name in (
        "FILE_STORAGE: s3",
        "AWS_S3_ENDPOINT_URL: http://minio:9000",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_REGION_NAME",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AZURE_CONNECTION_STRING",
        "AZURE_CONTAINER",
    ):
        assert name in text


def test_the_cache_is_shared_so_the_rate_limits_are() -> None:
    environment = services()["web"]["environment"]
    assert environment["CACHE_URL"].startswith("redis://redis:6379/")
    assert environment["CACHE_URL"] != environment["CELERY_BROKER_URL"]


def test_the_app_trusts_the_compose_network_and_nothing_wider() -> None:
    environment = services()["web"]["environment"]
    subnet = compose()["networks"]["default"]["ipam"]["config"][0]["subnet"]
    default = re.fullmatch(r"\$\{SSRTRACKER_SUBNET:-([^}]+)\}", subnet)
    assert default
    assert environment["TRUSTED_PROXIES"] == f"${{TRUSTED_PROXIES:-{default.group(1)}}}"
    (network,) = parse_networks([default.group(1)])
    assert network.is_private
    assert network.num_addresses <= 256
    assert not network.overlaps(ipaddress.ip_network("172.17.0.0/16"))  # Docker's own bridge


# --- the proxy's configuration ---------------------------------------------------------------


def _size_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def test_the_proxy_takes_the_largest_upload_the_app_accepts() -> None:
    match = re.search(r"client_max_body_size\s+(\w+);", nginx())
    assert match
    largest = max(
        limits.MAX_EVIDENCE_MEGABYTES * 1024 * 1024,
        limits.MAX_BINARY_DOCUMENT_BYTES,
        limits.MAX_SPREADSHEET_BYTES,
        limits.MAX_BODY_BYTES,
    )
    # The file and the form fields around it (Django's own limit on those).
    assert _size_bytes(match.group(1)) >= largest + limits.MAX_BODY_BYTES


def test_the_proxy_finds_every_web_replica_through_dockers_dns() -> None:
    conf = nginx()
    assert re.search(r"resolver\s+127\.0\.0\.11\b[^;]*valid=\d+s", conf)
    # A variable: resolved by that resolver per request, not once at start-up.
    assert re.search(r"set\s+\$web\s+http://web:8000;", conf)
    assert re.search(r"proxy_pass\s+\$web;", conf)
    assert not re.search(r"^\s*upstream\s", conf, re.MULTILINE)


def test_the_proxy_passes_the_client_on() -> None:
    conf = nginx()
    assert re.search(r"proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for;", conf)
    assert re.search(r"proxy_set_header\s+X-Forwarded-Proto\s+\$forwarded_proto;", conf)
    # This proxy's scheme, or "https" from a TLS proxy in front: nothing else passes.
    mapping = re.search(r"map\s+\$http_x_forwarded_proto\s+\$forwarded_proto\s*\{([^}]*)\}", conf)
    assert mapping
    assert mapping.group(1).split() == ["default", "$scheme;", "https", "https;"]
    assert re.search(r"proxy_set_header\s+Host\s+\$http_host;", conf)
    assert re.search(r"proxy_set_header\s+X-Forwarded-Host\s+\$http_host;", conf)


def test_the_proxy_has_timeouts() -> None:
    conf = nginx()
    for directive in ("proxy_connect_timeout", "proxy_read_timeout", "client_body_timeout"):
        assert re.search(rf"{directive}\s+\d+s;", conf), directive
