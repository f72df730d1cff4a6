"""memory-graph serve's REST API through a plain HTTP client (requests)."""

import json
import os
import signal
import stat
import subprocess
import threading
import time
import uuid

import requests

from conftest import BINARY, json_lines, memory_graph


def call(service, method, path, agent="planner", **options):
    headers = service.headers(agent) if agent else {}
    headers.update(options.pop("headers", {}))
    return requests.request(method, service.url + path, headers=headers, timeout=30, **options)


def error_of(response, status, code):
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()["error"]
    assert body["code"] == code and body["message"], body
    return body


def test_every_endpoint(service):
    created = call(service, "POST", "/v1/nodes", json={"context": "trip", "result": {"type": "plan", "confidence_score": 0.7}})
    assert created.status_code == 201, created.text
    plan = created.json()["id"]
    assert created.headers["Location"] == f"/v1/nodes/{plan}" and created.headers["ETag"] == '"1"'
    batch = call(service, "POST", "/v1/nodes", json={"nodes": [
        {"context": "trip", "result": {"type": "step", "n": n}, "links": [plan]} for n in range(3)]})
    assert batch.status_code == 201, batch.text
    steps = [item["id"] for item in batch.json()["nodes"]]
    assert len(steps) == 3

    node = call(service, "GET", f"/v1/nodes/{plan}")
    assert node.status_code == 200 and node.headers["ETag"] == '"1"'
    assert node.json()["agent_id"] == "planner" and node.json()["confidence"] == 0.7

    patched = call(service, "PATCH", f"/v1/nodes/{plan}", json={"result": {"type": "plan", "v": 2}},
                   headers={"If-Match": '"1"'})
    assert patched.status_code == 200 and patched.json() == {"id": plan, "version": 2}
    assert patched.headers["ETag"] == '"2"'
    conflict = call(service, "PATCH", f"/v1/nodes/{plan}", json={"metadata": {}, "expected_version": 1})
    assert error_of(conflict, 409, "versionConflict")["current_version"] == 2
    assert call(service, "PATCH", f"/v1/nodes/{plan}", json={"metadata": {}}, headers={"If-Match": '"1"'}).status_code == 409

    history = call(service, "GET", f"/v1/nodes/{plan}/history").json()["versions"]
    assert [version["version"] for version in history] == [2, 1]
    neighbors = call(service, "GET", f"/v1/nodes/{plan}/neighbors", params={"direction": "in", "limit": 10}).json()
    assert sorted(item["id"] for item in neighbors["neighbors"]) == sorted(steps)

    recalled = call(service, "GET", "/v1/recall", params={"context": "trip", "limit": 2}).json()["nodes"]
    assert [n["id"] for n in recalled] == steps[::-1][:2]
    page = call(service, "POST", "/v1/query", json={"types": ["step"], "order": "oldest_first", "limit": 2}).json()
    assert [n["id"] for n in page["nodes"]] == steps[:2] and page["next_cursor"]
    rest = call(service, "POST", "/v1/query", json={"types": ["step"], "order": "oldest_first", "limit": 2,
                                                    "cursor": page["next_cursor"]}).json()
    assert [n["id"] for n in rest["nodes"]] == steps[2:] and rest["next_cursor"] is None

    assert call(service, "DELETE", "/v1/links", params={"from": steps[0], "to": plan}).json() == {"changed": True}
    assert call(service, "PUT", "/v1/links", json={"from": steps[0], "to": plan}).json() == {"changed": True}
    assert call(service, "PUT", "/v1/links", json={"from": steps[0], "to": plan}).json() == {"changed": False}

    bundle = call(service, "POST", "/v1/bundles", json={"task_id": "t1", "node_ids": [plan], "contexts": ["trip"]})
    assert bundle.status_code == 201, bundle.text
    bundle_id = bundle.json()["id"]
    assert bundle.headers["Location"] == f"/v1/bundles/{bundle_id}"
    added = call(service, "POST", f"/v1/bundles/{bundle_id}/nodes", json={"node_ids": steps[:1]}).json()
    assert added["node_ids"] == [plan, steps[0]]
    assert call(service, "GET", f"/v1/bundles/{bundle_id}").json() == added
    assert call(service, "GET", "/v1/bundles", params={"task": "t1"}).json() == {"bundles": [added]}

    changes = call(service, "GET", "/v1/changes", params={"after": 0, "limit": 2}).json()
    assert [c["sequence"] for c in changes["changes"]] == [1, 2] and changes["last_sequence"] == 2
    stats = call(service, "GET", "/v1/stats").json()
    assert stats["nodes"] == 4 and stats["bundles"] == 1 and stats["links"] == 3 and stats["last_sequence"] > 0

    assert call(service, "DELETE", f"/v1/nodes/{steps[2]}").json() == {"removed": True}
    error_of(call(service, "DELETE", f"/v1/nodes/{steps[2]}"), 404, "nodeNotFound")
    error_of(call(service, "GET", f"/v1/nodes/{steps[2]}"), 404, "nodeNotFound")
    error_of(call(service, "GET", f"/v1/nodes/{uuid.uuid4()}/history"), 404, "nodeNotFound")

    spec = call(service, "GET", "/v1/openapi.yaml", agent=None)
    assert spec.status_code == 200 and spec.text.startswith("openapi: 3.1")
    assert call(service, "GET", "/health", agent=None).json() == {"status": "ok"}
    metrics = call(service, "GET", "/metrics", agent=None).text
    assert 'memory_graph_operations_total{operation="addNodes"} 2' in metrics
    assert 'hb_requests{http_route="/v1/nodes",http_request_method="POST",http_response_status_code="201"} 2' in metrics


def test_bad_requests_are_clear(service):
    error_of(call(service, "POST", "/v1/nodes", data="{not json"), 400, "invalidArgument")
    error_of(call(service, "POST", "/v1/nodes", json=[1, 2]), 400, "invalidArgument")
    message = error_of(call(service, "POST", "/v1/nodes", json={"context": "c"}), 400, "invalidArgument")["message"]
    assert "result" in message
    message = error_of(call(service, "POST", "/v1/nodes", json={"nodes": [{"context": "c", "result": {}}, {"context": 1}]}),
                       400, "invalidArgument")["message"]
    assert message.startswith("nodes[1]")
    error_of(call(service, "GET", "/v1/nodes/not-an-id"), 400, "invalidArgument")
    error_of(call(service, "GET", "/v1/recall", params={"context": "c", "limit": "many"}), 400, "invalidArgument")
    error_of(call(service, "GET", "/v1/recall"), 400, "invalidArgument")
    error_of(call(service, "GET", "/v1/no-such-thing"), 404, "notFound")
    error_of(call(service, "POST", "/v1/nodes", data="x" * (2 << 20), headers={"Content-Type": "application/json"}),
             413, "payloadTooLarge")
    error_of(call(service, "POST", "/v1/nodes", data='{"context": "c", "result": {}}',
                  headers={"Content-Type": "text/plain"}), 400, "invalidArgument")
    error_of(call(service, "PATCH", f"/v1/nodes/{uuid.uuid4()}", json={"result": {}}, headers={"If-Match": "soon"}),
             400, "invalidArgument")
    # Nothing was stored by the refused requests.
    assert call(service, "GET", "/v1/stats").json()["nodes"] == 0


def test_search(service):
    call(service, "POST", "/v1/nodes", json={"context": "notes", "result": {"summary": "Flight plan to Oslo"}})
    call(service, "POST", "/v1/nodes", json={"context": "notes", "result": {"summary": "Hotel in Oslo, flights later"}})
    shared = call(service, "POST", "/v1/nodes", agent="critic", json={"context": "shared", "result": {"summary": "Oslo flight"}})
    assert shared.status_code == 201, shared.text
    found = call(service, "POST", "/v1/search", json={"text": "oslo flight*", "limit": 5})
    assert found.status_code == 200, found.text
    hits = found.json()["hits"]
    assert len(hits) == 3 and hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"] > 0
    mine = call(service, "POST", "/v1/search", json={"text": "oslo", "agent_ids": ["planner"]}).json()["hits"]
    assert {hit["node"]["agent_id"] for hit in mine} == {"planner"} and len(mine) == 2
    # The critic reads only the context `shared`: the search is the best inside that scope.
    scoped = call(service, "POST", "/v1/search", agent="critic", json={"text": "oslo"}).json()["hits"]
    assert [hit["node"]["id"] for hit in scoped] == [shared.json()["id"]]
    assert call(service, "POST", "/v1/search", json={"text": "flight", "types": ["step"]}).json() == {"hits": []}
    error_of(call(service, "POST", "/v1/search", json={"text": "?!"}), 400, "invalidArgument")
    error_of(call(service, "POST", "/v1/search", json={"limit": 3}), 400, "invalidArgument")
    error_of(call(service, "POST", "/v1/search", json={"text": "oslo", "limit": 0}), 400, "invalidArgument")


def test_search_by_embedding(service):
    east = call(service, "POST", "/v1/nodes", json={"context": "geo", "result": {"summary": "east"}, "embedding": [1, 0]})
    assert east.status_code == 201, east.text
    west = call(service, "POST", "/v1/nodes", json={"context": "geo", "result": {"summary": "west"}, "embedding": [-1, 0]})
    plain = call(service, "POST", "/v1/nodes", json={"context": "geo", "result": {"summary": "no vector"}})
    assert west.status_code == 201 and plain.status_code == 201
    found = call(service, "POST", "/v1/search", json={"embedding": [0.8, 0.1], "metric": "euclidean"})
    assert found.status_code == 200, found.text
    hits = found.json()["hits"]
    assert [hit["node"]["id"] for hit in hits] == [east.json()["id"], west.json()["id"]]
    assert hits[0]["score"] > hits[1]["score"] and hits[0]["score"] < 0
    patched = call(service, "PATCH", f"/v1/nodes/{west.json()['id']}", json={"embedding": None})
    assert patched.status_code == 200, patched.text
    again = call(service, "POST", "/v1/search", json={"embedding": [0.8, 0.1], "metric": "euclidean"}).json()["hits"]
    assert [hit["node"]["id"] for hit in again] == [east.json()["id"]]
    error_of(call(service, "POST", "/v1/search", json={"embedding": [1, 0, 0]}), 400, "invalidArgument")
    error_of(call(service, "POST", "/v1/search", json={"embedding": []}), 400, "invalidArgument")
    error_of(call(service, "POST", "/v1/search", json={"embedding": [1, "x"]}), 400, "invalidArgument")
    error_of(call(service, "POST", "/v1/search", json={"embedding": [0, 0]}), 400, "invalidArgument")
    error_of(call(service, "POST", "/v1/search", json={"embedding": [1, 0], "metric": "manhattan"}), 400,
             "invalidArgument")
    error_of(call(service, "POST", "/v1/nodes", json={"context": "geo", "result": {}, "embedding": [1, 2, 3]}), 400,
             "invalidArgument")


def test_permission_matrix(service):
    own = call(service, "POST", "/v1/nodes", json={"context": "private", "result": {"x": 1}}).json()["id"]
    shared = call(service, "POST", "/v1/nodes", json={"context": "shared", "result": {"x": 2}}).json()["id"]

    anonymous = call(service, "GET", f"/v1/nodes/{own}", agent=None)
    error_of(anonymous, 401, "unauthorized")
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    error_of(call(service, "GET", f"/v1/nodes/{own}", agent=None, headers={"Authorization": "Bearer mg_wrong"}),
             401, "unauthorized")
    error_of(call(service, "GET", f"/v1/nodes/{own}", agent=None,
                  headers={"Authorization": "Basic " + service.tokens["planner"]}), 401, "unauthorized")

    error_of(call(service, "POST", "/v1/nodes", agent="reader", json={"context": "c", "result": {}}), 403,
             "permissionDenied")
    error_of(call(service, "PATCH", f"/v1/nodes/{own}", agent="reader", json={"result": {}}), 403, "permissionDenied")
    assert call(service, "GET", f"/v1/nodes/{own}", agent="reader").status_code == 200

    error_of(call(service, "POST", "/v1/nodes", json={"context": "c", "result": {}, "agent_id": "critic"}), 403,
             "permissionDenied")
    named = call(service, "POST", "/v1/nodes", json={"context": "c", "result": {}, "agent_id": "planner"})
    assert named.status_code == 201

    # Outside the critic's scope: invisible, as if absent.
    error_of(call(service, "GET", f"/v1/nodes/{own}", agent="critic"), 404, "nodeNotFound")
    assert call(service, "GET", f"/v1/nodes/{shared}", agent="critic").status_code == 200
    assert call(service, "GET", "/v1/recall", agent="critic", params={"context": "private", "agent": "planner"}).json() == {"nodes": []}
    queried = call(service, "POST", "/v1/query", agent="critic", json={"agent_ids": ["planner"]}).json()["nodes"]
    assert [n["id"] for n in queried] == [shared]
    error_of(call(service, "PUT", "/v1/links", agent="critic", json={"from": shared, "to": own}), 404, "nodeNotFound")
    error_of(call(service, "POST", "/v1/nodes", agent="critic", json={"context": "private", "result": {}}), 403,
             "permissionDenied")
    error_of(call(service, "GET", "/v1/stats", agent="critic"), 403, "permissionDenied")
    feed = call(service, "GET", "/v1/changes", agent="critic").json()["changes"]
    assert {c["node_id"] for c in feed} == {shared}


def test_tokens_file_is_private_and_holds_no_token(service):
    mode = stat.S_IMODE(os.stat(service.tokens_file).st_mode)
    assert mode == 0o600
    text = open(service.tokens_file).read()
    for token in service.tokens.values():
        assert token not in text
    assert {entry["agent"] for entry in json.loads(text)["tokens"]} == {"planner", "critic", "reader"}


def test_change_stream_resumes_from_last_event_id(service):
    ids = [call(service, "POST", "/v1/nodes", json={"context": "c", "result": {"n": n}}).json()["id"] for n in range(3)]
    events = []

    def read(after_header, count):
        headers = {"Accept": "text/event-stream", **service.headers("planner")}
        if after_header is not None:
            headers["Last-Event-ID"] = str(after_header)
        with requests.get(service.url + "/v1/changes", headers=headers, stream=True, timeout=30) as response:
            assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/event-stream")
            event = {}
            for line in response.iter_lines(decode_unicode=True):
                if line.startswith("id: "):
                    event["id"] = int(line[4:])
                elif line.startswith("data: "):
                    event["data"] = json.loads(line[6:])
                elif line == "" and event:
                    events.append(event)
                    event = {}
                    if len(events) == count:
                        return

    read(None, 3)
    assert [e["data"]["node_id"] for e in events] == ids and [e["id"] for e in events] == [1, 2, 3]
    events.clear()
    writer = threading.Timer(0.5, lambda: call(service, "POST", "/v1/nodes", json={"context": "c", "result": {}}))
    writer.start()
    read(2, 2)
    writer.join()
    assert [e["id"] for e in events] == [3, 4]


def stop_while_writing(service, body, acknowledged_ids, enough, signal_number):
    """Four writers post `body` until `enough` ids are acknowledged; then the service gets
    `signal_number`. Returns the acknowledged ids and the service's exit status."""
    acknowledged = []
    stop = threading.Event()

    def write():
        session = requests.Session()
        while not stop.is_set():
            try:
                response = session.post(service.url + "/v1/nodes", headers=service.headers("planner"), json=body,
                                        timeout=10)
            except requests.ConnectionError:
                return
            if response.status_code == 201:
                acknowledged.extend(acknowledged_ids(response.json()))

    writers = [threading.Thread(target=write) for _ in range(4)]
    for thread in writers:
        thread.start()
    while len(acknowledged) < enough:
        time.sleep(0.01)
    status = service.stop(signal_number)
    stop.set()
    for thread in writers:
        thread.join()
    return acknowledged, status


def test_sigterm_stops_cleanly_and_keeps_every_acknowledged_write(service):
    acknowledged, status = stop_while_writing(
        service, {"context": "c", "result": {}}, lambda body: [body["id"]], 50, signal.SIGTERM)
    assert status == 0
    assert set(acknowledged) <= stored_ids(service.store)
    assert memory_graph("verify", service.store).returncode == 0


def test_sigkill_loses_no_acknowledged_write(service):
    acknowledged, _ = stop_while_writing(
        service, {"nodes": [{"context": "c", "result": {"n": n}} for n in range(5)]},
        lambda body: [item["id"] for item in body["nodes"]], 200, signal.SIGKILL)
    service.start()
    assert call(service, "GET", "/v1/stats").json()["nodes"] >= len(acknowledged)
    assert set(acknowledged) <= stored_ids(service.store)
    assert memory_graph("verify", service.store).returncode == 0


def stored_ids(store):
    return {node["id"] for node in json_lines(memory_graph("query", store, "--limit", "1000000").stdout)}


def test_serve_refuses_an_open_address_without_tokens(tmp_path):
    refused = memory_graph("serve", "--path", str(tmp_path / "s"), "--agent", "a", "--listen", "0.0.0.0:0", check=False)
    assert refused.returncode == 2 and "--tokens" in refused.stderr
    assert not (tmp_path / "s").exists()


def test_without_tokens_only_local_pages_reach_the_service(tmp_path):
    process = subprocess.Popen([BINARY, "serve", "--path", str(tmp_path / "s"), "--agent", "solo", "--listen",
                                "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = process.stdout.readline().split()[-1]
        body = {"context": "c", "result": {}}
        written = requests.post(url + "/v1/nodes", json=body, timeout=10)
        assert written.status_code == 201
        assert requests.get(url + "/v1/nodes/" + written.json()["id"], timeout=10).json()["agent_id"] == "solo"
        rebound = requests.post(url + "/v1/nodes", json=body, headers={"Host": "evil.example"}, timeout=10)
        error_of(rebound, 421, "misdirectedRequest")
        cross_site = requests.post(url + "/v1/nodes", json=body, headers={"Origin": "https://evil.example"}, timeout=10)
        error_of(cross_site, 403, "permissionDenied")
        simple_form = requests.post(url + "/v1/nodes", data=json.dumps(body), headers={"Content-Type": "text/plain"},
                                    timeout=10)
        error_of(simple_form, 400, "invalidArgument")
        local_page = requests.get(url + "/v1/stats", headers={"Origin": url}, timeout=10)
        assert local_page.json()["nodes"] == 1
    finally:
        process.terminate()
        process.wait(timeout=30)
