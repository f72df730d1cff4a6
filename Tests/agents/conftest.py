"""Shared fixtures: the memory-graph binary, a store, and MCP clients over stdio."""

import json
import os
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

BINARY = os.environ.get("MEMORY_GRAPH", str(Path(__file__).parents[2] / ".build" / "debug" / "memory-graph"))


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def store(tmp_path):
    """The path of a store that does not exist yet."""
    return str(tmp_path / "store")


def memory_graph(*arguments, check=True):
    """Runs the memory-graph tool and returns the completed process (text output)."""
    return subprocess.run([BINARY, *arguments], capture_output=True, text=True, timeout=120, check=check)


class Service:
    """A running `memory-graph serve` on a free loopback port, with a tokens file."""

    def __init__(self, store, tokens_file, tokens):
        self.store = store
        self.tokens_file = tokens_file
        self.tokens = tokens
        self.process = None
        self.url = None

    def start(self):
        location = ["--backend", self.store] if self.store.startswith("postgres://") else ["--path", self.store]
        self.process = subprocess.Popen(
            [BINARY, "serve", *location, "--tokens", self.tokens_file, "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("listening on http://"), line
        self.url = line.split()[-1]
        return self

    def stop(self, signal_number=signal.SIGTERM, timeout=30):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal_number)
            self.process.wait(timeout=timeout)
        return self.process.returncode

    def headers(self, agent):
        return {"Authorization": f"Bearer {self.tokens[agent]}"}


TOKENS = {
    "planner": [],
    "critic": ["--read-contexts", "shared"],
    "reader": ["--read-only"],
}


@pytest.fixture
def service(tmp_path):
    """A service with tokens for planner (reads and writes all), critic (only context `shared`)
    and reader (reads all, writes nothing)."""
    tokens_file = str(tmp_path / "tokens.json")
    tokens = {}
    for agent, options in TOKENS.items():
        output = memory_graph("token", "add", "--tokens", tokens_file, "--agent", agent, *options).stdout
        tokens[agent] = output.splitlines()[-1]
    running = Service(str(tmp_path / "store"), tokens_file, tokens).start()
    yield running
    running.stop()


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def validate(instance, schema):
    """Fails with the first way `instance` does not match the JSON Schema `schema` (formats checked)."""
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(instance)


@pytest.fixture
def postgres_url():
    """A new schema in the throwaway PostgreSQL server `make test` starts (pg_virtualenv sets
    PGUSER, PGPASSWORD, PGPORT); skipped without one unless MEMORY_GRAPH_REQUIRE_POSTGRES=1."""
    if "PGPORT" not in os.environ:
        if os.environ.get("MEMORY_GRAPH_REQUIRE_POSTGRES") == "1":
            pytest.fail("MEMORY_GRAPH_REQUIRE_POSTGRES=1 but no PostgreSQL server is given (PGPORT and the rest)")
        pytest.skip("no PostgreSQL server (run under pg_virtualenv, as make test does)")
    user, password, port = os.environ["PGUSER"], os.environ.get("PGPASSWORD", ""), os.environ["PGPORT"]
    database = os.environ.get("PGDATABASE", "postgres")
    schema = "agents_" + uuid.uuid4().hex
    return f"postgres://{user}:{password}@127.0.0.1:{port}/{database}?schema={schema}&sslmode=disable"
