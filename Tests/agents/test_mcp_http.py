"""MCP over Streamable HTTP at /mcp of memory-graph serve, through the reference MCP client."""

import anyio
import httpx2
import pytest
import requests
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

pytestmark = pytest.mark.anyio

INITIALIZE = {
    "jsonrpc": "2.0", "id": 1, "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def client(service, agent):
    http = httpx2.AsyncClient(headers=service.headers(agent))
    return Client(streamable_http_client(service.url + "/mcp", http_client=http))


async def test_tools_over_http_act_as_the_tokens_agent(service):
    async with client(service, "planner") as planner:
        tools = (await planner.list_tools()).tools
        assert len(tools) == 13
        written = await planner.call_tool("remember", {"context": "shared", "result": {"type": "plan"}})
        assert not written.is_error, written.content
        node_id = written.structured_content["id"]
    async with client(service, "critic") as critic:
        got = await critic.call_tool("get_nodes", {"ids": [node_id]})
        assert got.structured_content["nodes"][0]["agent_id"] == "planner"
        mine = await critic.call_tool("remember", {"context": "shared", "result": {}})
        recalled = await critic.call_tool("recall", {"context": "shared"})
        assert [n["id"] for n in recalled.structured_content["nodes"]] == [mine.structured_content["id"]]
        refused = await critic.call_tool("remember", {"context": "elsewhere", "result": {}})
        assert refused.is_error and "permissionDenied" in refused.content[0].text


def test_mcp_needs_a_token_and_a_local_host(service):
    no_token = requests.post(service.url + "/mcp", json=INITIALIZE, headers=MCP_HEADERS, timeout=10)
    assert no_token.status_code == 401 and no_token.json()["error"]["code"] == "unauthorized"
    bad_token = requests.post(service.url + "/mcp", json=INITIALIZE,
                              headers={**MCP_HEADERS, "Authorization": "Bearer mg_nope"}, timeout=10)
    assert bad_token.status_code == 401
    headers = {**MCP_HEADERS, **service.headers("planner")}
    rebinding = requests.post(service.url + "/mcp", json=INITIALIZE, headers={**headers, "Host": "evil.example:80"},
                              timeout=10)
    assert rebinding.status_code == 421
    foreign = requests.post(service.url + "/mcp", json=INITIALIZE, headers={**headers, "Origin": "http://evil.example"},
                            timeout=10)
    assert foreign.status_code == 403
    started = requests.post(service.url + "/mcp", json=INITIALIZE, headers=headers, timeout=10)
    assert started.status_code == 200, started.text
    session = started.headers["Mcp-Session-Id"]
    # The session belongs to the planner's token: the reader's token finds nothing there.
    stolen = requests.post(service.url + "/mcp", json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                           headers={**MCP_HEADERS, **service.headers("reader"), "Mcp-Session-Id": session,
                                    "MCP-Protocol-Version": "2025-06-18"}, timeout=10)
    assert stolen.status_code == 404
    ended = requests.delete(service.url + "/mcp", headers={**headers, "Mcp-Session-Id": session,
                                                           "MCP-Protocol-Version": "2025-06-18"}, timeout=10)
    assert ended.status_code == 200


async def test_sigterm_ends_open_sessions(service):
    """A client with an open session (and its standing event stream) does not hold up shutdown."""
    with anyio.fail_after(60):
        try:
            async with client(service, "planner") as planner:
                assert not (await planner.call_tool("recall", {"context": "c"})).is_error
                assert await anyio.to_thread.run_sync(service.stop) == 0
        except Exception:  # the client's goodbye finds no server: expected
            pass
    assert service.process.returncode == 0
