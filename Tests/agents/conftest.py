"""Shared fixtures: the memory-graph binary, a store, and MCP clients over stdio."""

import json
import os
import subprocess
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


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def validate(instance, schema):
    """Fails with the first way `instance` does not match the JSON Schema `schema` (formats checked)."""
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(instance)
