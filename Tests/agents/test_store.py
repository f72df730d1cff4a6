"""The store endpoints (/v1/store) with raw HTTP requests: only a store token may use them,
and a node read from them and written back to another store comes back exactly."""

import json

import pytest
import requests

from conftest import Service, memory_graph


@pytest.fixture
def store_service(tmp_path):
    """A service with a store token (replica), a read-only store token (mirror) and an agent's
    token (planner)."""
    tokens_file = str(tmp_path / "tokens.json")
    tokens = {}
    for agent, options in {"replica": ["--store"], "mirror": ["--store", "--read-only"], "planner": []}.items():
        output = memory_graph("token", "add", "--tokens", tokens_file, "--agent", agent, *options).stdout
        tokens[agent] = output.splitlines()[-1]
    running = Service(str(tmp_path / "store"), tokens_file, tokens).start()
    yield running
    running.stop()


def post(service, agent, path, body):
    return requests.post(service.url + "/v1/store/" + path, data=json.dumps(body), timeout=10,
                         headers={**service.headers(agent), "Content-Type": "application/json"})


def test_only_store_tokens_reach_the_store(store_service):
    for path in ["statistics", "sequence", "export", "recall?agent=a&context=c"]:
        refused = requests.get(store_service.url + "/v1/store/" + path, headers=store_service.headers("planner"),
                               timeout=10)
        assert refused.status_code == 403, path
        assert refused.json()["error"]["code"] == "permissionDenied"
        assert requests.get(store_service.url + "/v1/store/" + path, timeout=10).status_code == 401
    assert post(store_service, "planner", "apply", {"mutations": []}).status_code == 403
    assert post(store_service, "mirror", "apply", {"mutations": []}).json()["error"]["code"] == "readOnly"
    assert requests.get(store_service.url + "/v1/store/statistics", headers=store_service.headers("mirror"),
                        timeout=10).json()["nodes"] == 0
    assert memory_graph("token", "add", "--tokens", store_service.tokens_file, "--agent", "x", "--store",
                        "--read-contexts", "c", check=False).returncode != 0


def test_a_node_round_trips_exactly(store_service, tmp_path):
    # Integers and doubles of the same value, a negative zero, a large integer, a fraction
    # that has no short decimal form, and a microsecond time.
    text = ('{"mutations":[{"kind":"addNodes","nodes":[{"id":"01900000-0000-7000-8000-000000000001",'
            '"agent_id":"a","task_context":"c","result":{"type":"t","int":1,"double":1.0,"zero":-0.0,'
            '"big":9007199254740993,"third":0.3333333333333333,"list":[1,1.0,null,"x"]},'
            '"metadata":{"m":2.5e-7},"links":[],"timestamp_us":1760000000123457}]}]}')
    written = requests.post(store_service.url + "/v1/store/apply", data=text, timeout=10,
                            headers={**store_service.headers("replica"), "Content-Type": "application/json"})
    assert written.json() == {"results": [{"outcome": {"kind": "added",
                                                       "ids": ["01900000-0000-7000-8000-000000000001"]}}]}
    node_id = "01900000-0000-7000-8000-000000000001"
    read = requests.get(f"{store_service.url}/v1/store/nodes/{node_id}", headers=store_service.headers("replica"),
                        timeout=10)
    assert read.status_code == 200
    # The raw text keeps every number as written: 1 and 1.0 apart, the large integer whole.
    assert '"int":1,' in read.text and '"double":1.0' in read.text and '"big":9007199254740993' in read.text
    assert '"zero":-0.0' in read.text and '"list":[1,1.0,null,"x"]' in read.text
    node = json.loads(read.text)
    assert node["timestamp_us"] == 1760000000123457 and node["version"] == 1

    # The node as read, written into a second store as a draft with its revision, reads back
    # byte for byte.
    other = Service(str(tmp_path / "other"), store_service.tokens_file, store_service.tokens).start()
    try:
        draft = {key: node[key] for key in ["id", "agent_id", "task_context", "result", "metadata", "links",
                                            "timestamp_us"]}
        draft["revision"] = {"version": node["version"], "updated_at_us": node["updated_at_us"]}
        # Python's json keeps what matters: 1.0 stays a float, large integers whole.
        body = {"mutations": [{"kind": "addNodes", "nodes": [draft]}]}
        copied = post(other, "replica", "apply", body)
        assert copied.json()["results"][0]["outcome"]["kind"] == "added"
        again = requests.get(f"{other.url}/v1/store/nodes/{node_id}", headers=other.headers("replica"), timeout=10)
        assert again.text == read.text
    finally:
        other.stop()
