"""memory-graph mcp over stdio, through the reference MCP client (the `mcp` package)."""

import json
import uuid

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from conftest import BINARY, memory_graph, validate

pytestmark = pytest.mark.anyio

TOOLS = {
    "remember", "recall", "query", "search", "get_nodes", "update", "forget", "link", "unlink", "neighbors",
    "history", "bundle", "changes",
}
READ_TOOLS = {"recall", "query", "search", "get_nodes", "neighbors", "history", "changes"}


def server(store, agent="planner", *options):
    return StdioServerParameters(command=BINARY, args=["mcp", "--path", store, "--agent", agent, *options])


class Session:
    """An MCP client that checks every structured result against the tool's output schema."""

    def __init__(self, client, tools):
        self.client = client
        self.schemas = {tool.name: tool.output_schema for tool in tools}

    async def call(self, name, arguments):
        result = await self.client.call_tool(name, arguments)
        text = result.content[0].text
        assert not result.is_error, f"{name}({arguments}) failed: {text}"
        validate(result.structured_content, self.schemas[name])
        assert json.loads(text) == result.structured_content
        return result.structured_content

    async def fail(self, name, arguments):
        """Calls a tool that must fail; returns the error object of its result."""
        result = await self.client.call_tool(name, arguments)
        assert result.is_error, f"{name}({arguments}) succeeded: {result.structured_content}"
        return json.loads(result.content[0].text)["error"]


async def open_session(client):
    return Session(client, (await client.list_tools()).tools)


async def test_tools_are_listed_with_strict_schemas(store):
    async with Client(server(store)) as client:
        tools = (await client.list_tools()).tools
    assert {tool.name for tool in tools} == TOOLS
    for tool in tools:
        schema = tool.input_schema
        assert schema["type"] == "object" and schema["additionalProperties"] is False, tool.name
        assert set(schema["required"]) <= set(schema["properties"]), tool.name
        assert all(prop.get("description") for prop in schema["properties"].values()), tool.name
        assert tool.output_schema["type"] == "object", tool.name
        assert tool.description, tool.name
        assert tool.annotations.read_only_hint is (tool.name in READ_TOOLS), tool.name
    required = {tool.name: set(tool.input_schema["required"]) for tool in tools}
    assert required["remember"] == {"context", "result"}
    assert required["bundle"] == {"action", "task_id"}
    assert required["link"] == required["unlink"] == {"from", "to"}
    remember = next(tool for tool in tools if tool.name == "remember")
    assert set(remember.input_schema["properties"]) == {
        "context", "result", "metadata", "links", "expires_at", "id", "embedding"}
    search = next(tool for tool in tools if tool.name == "search")
    assert required["search"] == set() and {"text", "embedding", "metric"} <= set(search.input_schema["properties"])
    assert search.input_schema["properties"]["embedding"]["items"] == {"type": "number"}


async def test_every_tool(store):
    async with Client(server(store)) as client:
        s = await open_session(client)
        plan = await s.call("remember", {"context": "trip", "result": {"type": "plan", "confidence_score": 0.8}})
        assert plan["version"] == 1
        chosen = str(uuid.uuid4())
        step = await s.call(
            "remember",
            {"context": "trip", "result": {"type": "step"}, "metadata": {"k": 1}, "links": [plan["id"]],
             "expires_at": "2099-01-01T00:00:00Z", "id": chosen})
        assert step["id"] == chosen

        recalled = (await s.call("recall", {"context": "trip"}))["nodes"]
        assert [node["id"] for node in recalled] == [chosen, plan["id"]]
        assert recalled[0]["agent_id"] == "planner" and recalled[0]["links"] == [plan["id"]]
        assert recalled[0]["expires_at"].startswith("2099-01-01T00:00:00")
        assert (await s.call("recall", {"context": "trip", "limit": 1}))["nodes"][0]["id"] == chosen

        page = await s.call("query", {"types": ["plan"], "min_confidence": 0.5, "contexts": ["trip"]})
        assert [node["id"] for node in page["nodes"]] == [plan["id"]] and page["next_cursor"] is None
        first = await s.call("query", {"agent_ids": ["planner"], "order": "oldest_first", "limit": 1})
        assert first["nodes"][0]["id"] == plan["id"] and first["next_cursor"]
        second = await s.call("query", {"agent_ids": ["planner"], "order": "oldest_first", "limit": 1,
                                        "cursor": first["next_cursor"]})
        assert second["nodes"][0]["id"] == chosen
        assert [n["id"] for n in (await s.call("query", {"linked_to": plan["id"]}))["nodes"]] == [chosen]

        await s.call("remember", {"context": "trip", "result": {"type": "note", "summary": "Crème brûlée planning"}})
        await s.call("remember", {"context": "notes", "result": {"type": "note", "summary": "planner for brulee"}})
        hits = (await s.call("search", {"text": "brulee plan*", "limit": 5}))["hits"]
        assert {hit["node"]["result"]["summary"] for hit in hits} == {"Crème brûlée planning", "planner for brulee"}
        assert hits[0]["score"] >= hits[1]["score"] > 0
        only_trip = (await s.call("search", {"text": "brulee", "contexts": ["trip"]}))["hits"]
        assert [hit["node"]["task_context"] for hit in only_trip] == ["trip"]
        assert (await s.call("search", {"text": "brulee unicorn"}))["hits"] == []
        assert len((await s.call("search", {"text": "brulee unicorn", "matching": "any"}))["hits"]) == 2
        assert "no words" in (await s.fail("search", {"text": "... !!!"}))["message"]

        # Embeddings: the nearest first, the filter inside, text and embedding fused; a wrong dimension refused.
        east = await s.call("remember", {"context": "geo", "result": {"summary": "east wing"}, "embedding": [1, 0, 0]})
        north = await s.call("remember", {"context": "geo", "result": {"summary": "north wing"}, "embedding": [0, 1, 0]})
        near = (await s.call("search", {"embedding": [0.9, 0.2, 0], "limit": 2}))["hits"]
        assert [hit["node"]["id"] for hit in near] == [east["id"], north["id"]] and near[0]["score"] > near[1]["score"]
        by_dot = (await s.call("search", {"embedding": [0, 2, 0], "metric": "dot", "contexts": ["geo"]}))["hits"]
        assert by_dot[0]["node"]["id"] == north["id"] and by_dot[0]["score"] == 2
        fused = (await s.call("search", {"text": "wing", "embedding": [0, 1, 0], "limit": 1}))["hits"]
        assert [hit["node"]["id"] for hit in fused] == [north["id"]]
        moved = await s.call("update", {"id": north["id"], "embedding": [-1, 0, 0]})
        assert moved["version"] == 2
        assert (await s.call("search", {"embedding": [1, 0, 0], "limit": 1}))["hits"][0]["node"]["id"] == east["id"]
        assert "dimension" in (await s.fail("search", {"embedding": [1, 0]}))["message"]
        assert "dimension" in (await s.fail("remember", {"context": "geo", "result": {}, "embedding": [1]}))["message"]
        assert (await s.fail("search", {"limit": 3}))["message"]

        absent = str(uuid.uuid4())
        got = await s.call("get_nodes", {"ids": [plan["id"], absent]})
        assert got["nodes"][0]["result"]["confidence_score"] == 0.8 and got["nodes"][1] is None

        updated = await s.call("update", {"id": plan["id"], "result": {"type": "plan", "v": 2}, "expected_version": 1})
        assert updated == {"id": plan["id"], "version": 2}
        conflict = await s.fail("update", {"id": plan["id"], "metadata": {}, "expected_version": 1})
        assert conflict["code"] == "versionConflict" and conflict["current_version"] == 2
        assert "version 2" in conflict["message"]
        await s.call("update", {"id": chosen, "expires_at": None})
        assert "expires_at" not in (await s.call("get_nodes", {"ids": [chosen]}))["nodes"][0]

        versions = (await s.call("history", {"id": plan["id"]}))["versions"]
        assert [v["version"] for v in versions] == [2, 1]

        neighbors = await s.call("neighbors", {"id": plan["id"], "direction": "in", "depth": 2})
        assert neighbors == {"neighbors": [{"id": chosen, "depth": 1}]}
        assert await s.call("unlink", {"from": chosen, "to": plan["id"]}) == {"changed": True}
        assert await s.call("unlink", {"from": chosen, "to": plan["id"]}) == {"changed": False}
        assert await s.call("link", {"from": chosen, "to": plan["id"]}) == {"changed": True}

        bundle = await s.call("bundle", {"action": "create", "task_id": "t1", "node_ids": [plan["id"]],
                                         "contexts": ["trip"]})
        assert bundle["node_ids"] == [plan["id"]] and bundle["agent_ids"] == ["planner"]
        added = await s.call("bundle", {"action": "add", "task_id": "t1", "bundle_id": bundle["id"],
                                        "node_ids": [chosen]})
        assert added["node_ids"] == [plan["id"], chosen]
        assert await s.call("bundle", {"action": "get", "task_id": "t1"}) == added
        assert await s.call("bundle", {"action": "get", "task_id": "t1", "bundle_id": bundle["id"]}) == added

        changes = await s.call("changes", {})
        kinds = [change["kind"] for change in changes["changes"]]
        assert kinds[:2] == ["nodeAdded", "nodeAdded"] and changes["last_sequence"] == changes["changes"][-1]["sequence"]
        later = await s.call("changes", {"after": changes["last_sequence"]})
        assert later == {"changes": [], "last_sequence": changes["last_sequence"]}

        assert await s.call("forget", {"id": chosen}) == {"removed": True}
        assert await s.call("forget", {"id": chosen}) == {"removed": False}

        templates = (await client.list_resource_templates()).resource_templates
        assert {t.uri_template for t in templates} == {"memorygraph://node/{id}", "memorygraph://bundle/{id}"}
        node = await client.read_resource(f"memorygraph://node/{plan['id']}")
        assert json.loads(node.contents[0].text)["version"] == 2
        read = await client.read_resource(f"memorygraph://bundle/{bundle['id']}")
        assert json.loads(read.contents[0].text)["task_id"] == "t1"

    lines = memory_graph("get", store, plan["id"]).stdout
    assert json.loads(lines)["result"] == {"type": "plan", "v": 2}


BAD_ARGUMENTS = [
    ("remember", {"result": {}}, "context"),
    ("remember", {"context": "c", "result": "text"}, "result"),
    ("remember", {"context": "", "result": {}}, "context"),
    ("remember", {"context": "c", "result": {}, "agent_id": "someone"}, "agent_id"),
    ("remember", {"context": "c", "result": {}, "links": ["nope"]}, "links"),
    ("remember", {"context": "c", "result": {}, "expires_at": "tomorrow"}, "expires_at"),
    ("recall", {"context": "c", "limit": 0}, "limit"),
    ("recall", {"context": "c", "limit": 5000}, "limit"),
    ("query", {"order": "sideways"}, "order"),
    ("query", {"min_confidence": 2}, "min_confidence"),
    ("query", {"agent_ids": "planner"}, "agent_ids"),
    ("query", {"since": "last week"}, "since"),
    ("get_nodes", {"ids": []}, "ids"),
    ("get_nodes", {}, "ids"),
    ("update", {"id": "x", "result": {}}, "id"),
    ("update", {"id": str(uuid.uuid4()), "expected_version": 0, "result": {}}, "expected_version"),
    ("forget", {"id": 7}, "id"),
    ("link", {"from": str(uuid.uuid4())}, "to"),
    ("unlink", {"to": str(uuid.uuid4())}, "from"),
    ("neighbors", {"id": str(uuid.uuid4()), "direction": "up"}, "direction"),
    ("neighbors", {"id": str(uuid.uuid4()), "depth": 100}, "depth"),
    ("history", {"ids": []}, "ids"),
    ("bundle", {"action": "destroy", "task_id": "t"}, "action"),
    ("bundle", {"action": "add", "task_id": "t", "node_ids": [str(uuid.uuid4())]}, "bundle_id"),
    ("changes", {"after": -1}, "after"),
    ("changes", {"limit": "ten"}, "limit"),
]


async def test_bad_arguments_are_error_results_that_name_them(store):
    async with Client(server(store)) as client:
        s = await open_session(client)
        for name, arguments, named in BAD_ARGUMENTS:
            error = await s.fail(name, arguments)
            assert error["code"] == "invalidArgument", (name, arguments, error)
            assert named in error["message"], (name, arguments, error)
        missing = await s.fail("update", {"id": str(uuid.uuid4()), "result": {}})
        assert missing["code"] == "nodeNotFound"
        unknown = await s.fail("teleport", {})
        assert unknown["code"] == "invalidArgument" and "remember" in unknown["message"]
    # Nothing was written by the failed calls.
    assert memory_graph("query", store).stdout == ""


async def test_scope_and_read_only(store):
    async with Client(server(store, "planner")) as client:
        s = await open_session(client)
        secret = await s.call("remember", {"context": "secret", "result": {"x": 1}})
        shared = await s.call("remember", {"context": "shared", "result": {"x": 2}})
    async with Client(server(store, "critic", "--read-contexts", "shared", "--read-only")) as client:
        s = await open_session(client)
        assert (await s.call("get_nodes", {"ids": [secret["id"], shared["id"]]}))["nodes"][0] is None
        assert (await s.call("recall", {"context": "secret", "agent": "planner"}))["nodes"] == []
        assert len((await s.call("recall", {"context": "shared", "agent": "planner"}))["nodes"]) == 1
        assert await s.call("history", {"id": secret["id"]}) == {"versions": []}
        assert (await s.fail("remember", {"context": "shared", "result": {}}))["code"] == "permissionDenied"
