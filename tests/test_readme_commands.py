"""Every command the README shows works as written.

The README's ``sh``, ``console`` and ``python`` blocks are read from the file. Each is either run
here, or marked with the test that runs it, in a comment right above the block::

    <!-- run by: tests/api/test_generated_client.py -->

A marked block's test must exist and hold the block's commands (each of their words; for
Python, the names it imports). Any other block must be one this test knows how to run, so a new
block that nobody runs fails here.

The blocks run here are run in a copy of the checkout, in the README's order, with a bare
environment (no ``DATABASE_URL``, ``SECRET_KEY`` or ``DEBUG``: what a new user has). The copy's
``.venv`` is the environment running the tests. ``make demo`` is started for real on a free
port (the README's ``8000`` and ``8101`` become that port), and the API examples run with
``curl`` against it with the token it printed; every request must succeed (the PATCH with its
``If-Match`` included). The Celery worker is started until it is ready. Docker is not run here:
the compose block's ``cp`` runs, and its ``docker compose`` commands are checked against
``docker-compose.yml`` (the services they name exist, those they scale publish no port; and
Docker Compose's ``config`` accepts the file where Docker Compose is installed).
"""

from __future__ import annotations

import itertools
import json
import os
import pty
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from mandates.integration.webhooks import signature
from tests.conftest import compose_command

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

_BLOCK = re.compile(
    r"(?:<!--\s*run by:\s*(?P<by>[^>]*?)\s*-->\n)?"
    r"^```(?P<lang>sh|console|python)\n(?P<body>.*?)^```$",
    re.DOTALL | re.MULTILINE,
)
#: The variables a new user's shell has; nothing of the app's configuration.
_KEPT_VARIABLES = ("PATH", "HOME", "USER", "LANG", "LC_ALL", "TMPDIR", "TERM")
_TOOLS = ("make", "bash", "curl")
_SECONDS = 300
#: How the commands of a block this test simply runs begin.
_PLAIN_COMMANDS = ("make manage ", ".venv/bin/python manage.py ", "mkdir ", "cp ")


@dataclass(frozen=True)
class Block:
    lang: str
    body: str
    by: str | None
    line: int

    def __str__(self) -> str:
        return f"README.md line {self.line} ({self.lang})"

    @property
    def commands(self) -> list[str]:
        """The commands of a shell or console block, continuation lines joined."""
        if self.lang == "console":
            return [line[2:] for line in self.body.splitlines() if line.startswith("$ ")]
        joined = self.body.replace("\\\n", " ")
        return [
            line.strip()
            for line in joined.splitlines()
            if line.strip() and not line.strip().startswith("#")
        ]

    @property
    def kind(self) -> str | None:
        """How this test runs the block, or None when it cannot."""
        commands = self.commands
        if self.lang == "python":
            return "webhook" if "def verify(" in self.body else None
        if self.lang != "sh" or not commands:
            return None
        if all(command.startswith("make demo") for command in commands):
            return "demo"
        if any("curl " in command for command in commands):
            return "api"
        if any("docker compose" in command for command in commands):
            return "docker"
        if any(re.search(r"\bcelery -A ssrtracker worker\b", command) for command in commands):
            return "celery"
        if all(command.startswith(_PLAIN_COMMANDS) for command in commands):
            return "manage"
        return None


def readme_blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    return [
        Block(
            lang=match["lang"],
            body=match["body"],
            by=match["by"],
            line=text.count("\n", 0, match.start("lang")) + 1,
        )
        for match in _BLOCK.finditer(text)
    ]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\s\"',\[\]()=]+", text)


def _missing_from(block: Block, path: Path) -> list[str]:
    """What of the block the file that is said to run it does not hold."""
    text = path.read_text(encoding="utf-8")
    if block.lang == "python":
        names = re.findall(r"^\s*(?:from\s+(\S+)\s+)?import\s+(.+)$", block.body, re.MULTILINE)
        wanted = [name for module, imported in names for name in [module, *_words(imported)]]
        return [name for name in wanted if name and name not in text]
    haystack = set(_words(text))
    missing = []
    for command in block.commands:
        words = shlex.split(command, comments=True)
        variables = [word.split("=", 1)[0] for word in words if re.match(r"^[A-Z_]+=", word)]
        rest = [word for word in words if not re.match(r"^[A-Z_]+=", word)]
        pieces = {piece for word in rest for piece in _words(word)}
        if not all(name in text for name in variables) or not pieces <= haystack:
            missing.append(command)
    return missing


def test_the_readme_has_blocks_of_each_kind() -> None:
    kinds = {block.kind for block in readme_blocks() if block.by is None}
    assert {"demo", "api", "manage", "webhook", "celery"} <= kinds


@pytest.mark.parametrize("block", readme_blocks(), ids=str)
def test_every_block_is_run_here_or_by_the_test_named_above_it(block: Block) -> None:
    if block.by is None:
        assert block.kind is not None, (
            f"{block}: no test runs this block. Make tests/test_readme_commands.py run it, or "
            "mark it with <!-- run by: PATH --> naming the test that does."
        )
        return
    path = ROOT / block.by.split("::", 1)[0].strip()
    assert path.is_file(), f"{block} is said to be run by {block.by}, which does not exist"
    assert _missing_from(block, path) == [], f"{block}: {block.by} does not run it"


def test_the_test_command_is_the_one_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make --no-print-directory test\b", ci, re.MULTILINE)
    assert "export REQUIRE_SERVICES=1" in ci


# --- Running them --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout whose ``.venv`` is the environment running the tests (its
    ``.installed`` stamp is the copy's own, so make never reinstalls it)."""
    missing = [tool for tool in _TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"running the README's commands needs {', '.join(missing)}")
    copy = tmp_path_factory.mktemp("readme") / "ssrtracker"
    ignored = shutil.ignore_patterns(
        ".git", ".venv", "var", "artifacts", "__pycache__", ".*_cache", ".hypothesis", ".env"
    )
    shutil.copytree(ROOT, copy, ignore=ignored)
    (copy / "var").mkdir()
    venv = copy / ".venv"
    venv.mkdir()
    prefix = Path(sys.prefix)
    for name in ("bin", "lib", "lib64", "include", "pyvenv.cfg"):
        if (prefix / name).exists():
            (venv / name).symlink_to(prefix / name)
    (venv / ".installed").touch()
    return copy


def _environment() -> dict[str, str]:
    return {name: os.environ[name] for name in _KEPT_VARIABLES if name in os.environ}


def _run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a block with bash, stopping at the first failing command. Its standard input is a
    terminal that answers "yes" (``restore`` asks before replacing the database)."""
    controller, terminal = pty.openpty()
    try:
        os.write(controller, b"yes\n")
        return subprocess.run(  # noqa: S603 - bash running the README's own commands
            ["bash", "-c", "set -euo pipefail\n" + script],  # noqa: S607
            cwd=cwd,
            env=_environment(),
            stdin=terminal,
            capture_output=True,
            text=True,
            timeout=_SECONDS,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(controller)


class Server:
    """A long-running command of the README (``make demo``, the Celery worker) in its own
    process group, its output in a file."""

    def __init__(self, command: str, cwd: Path, log: Path) -> None:
        self.log = log
        self._file = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - bash running the README's own commands
            ["bash", "-c", command],  # noqa: S607
            cwd=cwd,
            env=_environment(),
            stdin=subprocess.DEVNULL,
            stdout=self._file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + _SECONDS
        while time.monotonic() < deadline:
            if ready():
                return
            if self.process.poll() is not None:
                pytest.fail(f"{what} stopped (exit {self.process.returncode}):\n{self.output}")
            time.sleep(1)
        pytest.fail(f"{what} was not ready within {_SECONDS}s:\n{self.output}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self._file.close()


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url)  # noqa: S310 - our own local server
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except (urllib.error.HTTPError, urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        return getattr(exc, "code", 0), b""


@dataclass
class Demo:
    port: int
    token: str = ""
    server: Server | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def substitute(self, text: str) -> str:
        """The README's address, port and token placeholder, made this run's."""
        text = text.replace("127.0.0.1:8000", f"127.0.0.1:{self.port}").replace(
            "8101", str(self.port)
        )
        return text.replace("ssrt_...", self.token) if self.token else text


def _run_demo(block: Block, demo: Demo, cwd: Path, log: Path) -> None:
    for command in block.commands:
        if demo.server is not None:
            demo.server.stop()
        if "PORT=" not in command:
            command += " PORT=8101"  # the README's own example of another port
        before = demo.token
        demo.server = Server(demo.substitute(command), cwd, log)
        demo.server.wait_for(lambda: _get(f"{demo.base}/healthz")[0] == 200, f"{command!r}")
        out = demo.server.output
        tokens = re.findall(r"^  (ssrt_\S+)$", out, re.MULTILINE)
        assert tokens, out
        demo.token = tokens[-1]
        # The printed addresses are this server's, never the default port's.
        assert f"{demo.base}/api/v1/docs/" in out, out
        assert f"{demo.base}/api/v1/requests/?overdue=true" in out, out
        assert ":8000" not in out, out
        if before:
            assert demo.token == before, "running make demo again replaced the token"
            assert "The same token as before" in out, out
        else:
            assert "A new token" in out, out
        assert _get(f"{demo.base}/api/v1/requests/", demo.token)[0] == 200


def _run_api(block: Block, demo: Demo, cwd: Path) -> None:
    assert demo.token, f"{block}: make demo has not run before it"
    # Each curl also writes its status to stderr: every request of the README must succeed.
    prelude = "curl() { command curl --max-time 60 -w '%{stderr}HTTP %{http_code}\\n' \"$@\"; }\n"
    done = _run(prelude + demo.substitute(block.body), cwd)
    assert done.returncode == 0, f"{block}:\n{done.stdout}\n{done.stderr}"
    statuses = re.findall(r"^HTTP (\d+)$", done.stderr, re.MULTILINE)
    assert len(statuses) == len(re.findall(r"\bcurl ", block.body)), done.stderr
    shown = f"{block}: answers {statuses}\n{done.stdout[-2000:]}\n{done.stderr}"
    assert set(statuses) == {"200"}, shown
    if "-X PATCH" in block.body:
        url = re.findall(r"(http://\S+/api/v1/requests/\d+/)", demo.substitute(block.body))[-1]
        status, body = _get(url, demo.token)
        assert status == 200
        assert json.loads(body)["status"] == "in_progress"
    if "-o var/openapi.yaml" in block.body:
        assert (cwd / "var" / "openapi.yaml").read_text().startswith("openapi: 3")


def _run_webhook(block: Block) -> None:
    namespace: dict[str, object] = {}
    exec(compile(block.body, str(block), "exec"), namespace)  # noqa: S102 - the README's code
    verify = namespace["verify"]
    body = b'{"id": "d1", "event": "request.created"}'
    header = signature("the endpoint's secret", 1_700_000_000, body)
    assert verify("the endpoint's secret", header, body) is True  # type: ignore[operator]
    assert verify("the endpoint's secret", header, body + b" ") is False  # type: ignore[operator]
    assert verify("another secret", header, body) is False  # type: ignore[operator]


def _run_docker(block: Block, cwd: Path) -> None:
    services = yaml.safe_load((cwd / "docker-compose.yml").read_text())["services"]
    for command in block.commands:
        if not command.startswith("docker "):
            done = _run(command, cwd)
            assert done.returncode == 0, f"{block}: {command}\n{done.stderr}"
            continue
        words = shlex.split(command, comments=True)
        if "run" in words:
            assert words[words.index("--rm") + 1] in services, command
        for flag, value in itertools.pairwise(words):
            if flag != "--scale":
                continue
            name, _, count = value.partition("=")
            assert name in services, command
            assert count.isdigit(), command
            # A service that publishes a host port cannot have a second replica.
            assert "ports" not in services[name], f"{command}: {name} publishes a port"
    assert (cwd / ".env").is_file()
    compose = compose_command()
    if compose is not None:
        done = subprocess.run(  # noqa: S603 - Docker Compose checking the README's compose file
            [*compose, "config", "--quiet"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=_SECONDS,
            check=False,
        )
        assert done.returncode == 0, done.stderr


def _ready(worker: Server) -> Callable[[], bool]:
    return lambda: " ready." in worker.output


def _run_celery(block: Block, cwd: Path, log: Path) -> None:
    for command in block.commands:
        worker = Server(command, cwd, log)
        try:
            worker.wait_for(_ready(worker), command)
        finally:
            worker.stop()


@pytest.fixture
def demo() -> Iterator[Demo]:
    running = Demo(port=_free_port())
    yield running
    if running.server is not None:
        running.server.stop()


def test_the_readme_commands_work_as_written(checkout: Path, demo: Demo, tmp_path: Path) -> None:
    ran = []
    for number, block in enumerate(readme_blocks()):
        if block.by is not None:
            continue
        log = tmp_path / f"block-{number}.log"
        match block.kind:
            case "demo":
                _run_demo(block, demo, checkout, log)
            case "api":
                _run_api(block, demo, checkout)
            case "webhook":
                _run_webhook(block)
            case "docker":
                _run_docker(block, checkout)
            case "celery":
                _run_celery(block, checkout, log)
            case "manage":
                done = _run(demo.substitute(block.body), checkout)
                assert done.returncode == 0, f"{block}:\n{done.stdout}\n{done.stderr}"
                if "restore " in block.body:
                    assert "Restored " in done.stdout, done.stdout
            case _:
                pytest.fail(f"{block}: no test runs it")
        ran.append(block.kind)
    assert ran.count("demo") >= 2
    assert "api" in ran
