"""Several memory-graph mcp processes, one per agent, writing into one store at once."""

import anyio
import pytest
from mcp import Client

from conftest import json_lines, memory_graph
from test_mcp_stdio import server

pytestmark = pytest.mark.anyio

AGENTS = 4
NODES_PER_AGENT = 500


async def write(store, agent):
    async with Client(server(store, agent)) as client:
        for index in range(NODES_PER_AGENT):
            result = await client.call_tool("remember", {"context": "shared", "result": {"type": "fact", "n": index}})
            assert not result.is_error, result.content


async def test_four_processes_share_one_store(store):
    agents = [f"agent-{number}" for number in range(AGENTS)]
    with anyio.fail_after(300):
        async with anyio.create_task_group() as group:
            for agent in agents:
                group.start_soon(write, store, agent)
    nodes = json_lines(memory_graph("query", store, "--limit", "100000").stdout)
    assert len(nodes) == AGENTS * NODES_PER_AGENT
    for agent in agents:
        mine = [node for node in nodes if node["agent_id"] == agent]
        assert sorted(node["result"]["n"] for node in mine) == list(range(NODES_PER_AGENT))
    assert memory_graph("verify", store).returncode == 0
