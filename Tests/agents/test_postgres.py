"""Several `memory-graph serve` instances on one PostgreSQL database, and copies between
backends, through the binary and plain HTTP."""

import os
import signal
import subprocess
import threading
import time

import requests

from conftest import TOKENS, Service, memory_graph


def start_instances(tmp_path, url, count=2):
    """`count` services on one database, sharing one tokens file."""
    tokens_file = str(tmp_path / "tokens.json")
    tokens = {}
    for agent, options in TOKENS.items():
        tokens[agent] = memory_graph("token", "add", "--tokens", tokens_file, "--agent", agent, *options).stdout.splitlines()[-1]
    return [Service(url, tokens_file, tokens).start() for _ in range(count)]


def post(service, path, body, agent="planner", session=requests):
    return session.post(service.url + path, headers=service.headers(agent), json=body, timeout=30)


def get(service, path, agent="planner", **params):
    return requests.get(service.url + path, headers=service.headers(agent), params=params, timeout=30)


def last_sequence(service):
    return get(service, "/v1/changes", after=0, limit=1).json()["last_sequence"]


def visible_ids(service, context):
    """The ids of the nodes of `context` that a query on `service` returns, page by page."""
    ids, cursor = set(), None
    while True:
        body = {"contexts": [context], "limit": 1000, **({"cursor": cursor} if cursor else {})}
        page = post(service, "/v1/query", body).json()
        ids |= {node["id"] for node in page["nodes"]}
        cursor = page.get("next_cursor")
        if not cursor:
            return ids


def changes_after(service, after):
    """Every change after `after`, read page by page from `service`."""
    seen = []
    while True:
        page = get(service, "/v1/changes", after=after, limit=500).json()
        if not page["changes"]:
            return seen
        seen += page["changes"]
        after = page["changes"][-1]["sequence"]


def test_two_instances_share_writes_reads_and_one_change_log(tmp_path, postgres_url):
    first, second = start_instances(tmp_path, postgres_url)
    try:
        start = last_sequence(first)
        acknowledged = []

        def write(service, writer):
            session = requests.Session()
            for n in range(40):
                response = post(service, "/v1/nodes", {"context": "shared", "result": {"writer": writer, "n": n}},
                                session=session)
                assert response.status_code == 201, response.text
                acknowledged.append(response.json()["id"])

        threads = [threading.Thread(target=write, args=(service, f"{index}-{w}"))
                   for index, service in enumerate([first, second]) for w in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(acknowledged) == 240
        # Every acknowledged write is visible on both instances.
        for service in (first, second):
            assert visible_ids(service, "shared") == set(acknowledged)
        # One change log, gap-free and in the same order on both.
        on_first, on_second = changes_after(first, start), changes_after(second, start)
        assert on_first == on_second
        assert [change["sequence"] for change in on_first] == list(range(start + 1, start + 241))
        assert sorted(change["node_id"] for change in on_first) == sorted(acknowledged)
    finally:
        first.stop()
        second.stop()


def test_compare_and_set_increments_from_both_instances_reach_the_exact_total(tmp_path, postgres_url):
    first, second = start_instances(tmp_path, postgres_url)
    try:
        counter = post(first, "/v1/nodes", {"context": "count", "result": {"count": 0}}).json()["id"]
        conflicts = []

        def increment(service, times):
            session = requests.Session()
            done = 0
            while done < times:
                node = session.get(f"{service.url}/v1/nodes/{counter}", headers=service.headers("planner"),
                                   timeout=30).json()
                response = session.patch(
                    f"{service.url}/v1/nodes/{counter}", headers=service.headers("planner"), timeout=30,
                    json={"result": {"count": node["result"]["count"] + 1}, "expected_version": node["version"]})
                if response.status_code == 409:
                    conflicts.append(1)
                    continue
                assert response.status_code == 200, response.text
                done += 1

        threads = [threading.Thread(target=increment, args=(service, 50)) for service in (first, second) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for service in (first, second):
            node = get(service, f"/v1/nodes/{counter}").json()
            assert node["result"]["count"] == 200 and node["version"] == 201
    finally:
        first.stop()
        second.stop()


def test_a_killed_instance_leaves_its_peer_serving_every_acknowledged_write(tmp_path, postgres_url):
    first, second = start_instances(tmp_path, postgres_url)
    try:
        acknowledged = []
        for n in range(30):
            acknowledged.append(post(first, "/v1/nodes", {"context": "c", "result": {"n": n}}).json()["id"])
        first.stop(signal.SIGKILL)
        for n in range(30):
            response = post(second, "/v1/nodes", {"context": "c", "result": {"n": n}})
            assert response.status_code == 201
            acknowledged.append(response.json()["id"])
        assert visible_ids(second, "c") == set(acknowledged)
    finally:
        first.stop()
        second.stop()


def test_copy_between_lmdb_and_postgres_both_ways_keeps_every_record(tmp_path, postgres_url):
    source = str(tmp_path / "source")
    seeded = seed_store(tmp_path, source)
    copied = memory_graph("copy", "--from", f"lmdb:{source}", "--to", postgres_url)
    assert f"copied {seeded} nodes" in copied.stdout, copied.stdout
    back = str(tmp_path / "back")
    memory_graph("copy", "--from", postgres_url, "--to", f"lmdb:{back}")
    assert memory_graph("dump", source).stdout == memory_graph("dump", back).stdout
    assert memory_graph("verify", back).returncode == 0
    refused = memory_graph("copy", "--from", f"lmdb:{source}", "--to", postgres_url, check=False)
    assert refused.returncode != 0 and "restore into an empty one" in refused.stderr


def seed_store(tmp_path, path):
    """Fills a new LMDB store at `path` through a service — nodes, links, a second version, a
    bundle; returns how many nodes it holds."""
    tokens_file = str(tmp_path / "seed-tokens.json")
    token = memory_graph("token", "add", "--tokens", tokens_file, "--agent", "planner").stdout.splitlines()[-1]
    service = Service(path, tokens_file, {"planner": token}).start()
    try:
        ids = post(service, "/v1/nodes", {"nodes": [
            {"context": "trip", "result": {"type": "step", "confidence_score": 0.5, "n": n, "x": 1.0}}
            for n in range(20)]}).json()["nodes"]
        ids = [item["id"] for item in ids]
        for source, target in zip(ids, ids[1:]):
            assert requests.put(service.url + "/v1/links", headers=service.headers("planner"),
                                json={"from": source, "to": target}, timeout=30).status_code == 200
        assert requests.patch(f"{service.url}/v1/nodes/{ids[0]}", headers=service.headers("planner"),
                              json={"metadata": {"revised": True}}, timeout=30).status_code == 200
        assert post(service, "/v1/bundles", {"task_id": "t", "node_ids": ids[:3], "contexts": ["trip"]}).status_code == 201
    finally:
        service.stop()
    return len(ids)


def test_a_database_restart_fails_writes_as_unavailable_then_they_resume_and_nothing_acknowledged_is_lost(
        tmp_path, postgres_url):
    # A request waits at most 3 s for a connection and 10 s for an answer, then is 503.
    (service,) = start_instances(tmp_path, postgres_url + "&connect_timeout=3&operation_timeout=10", count=1)
    acknowledged, unavailable, stop = [], [], threading.Event()

    def write():
        session = requests.Session()
        n = 0
        while not stop.is_set():
            n += 1
            try:
                response = post(service, "/v1/nodes", {"context": "restart", "result": {"n": n}}, session=session)
            except requests.RequestException:
                continue
            if response.status_code == 201:
                acknowledged.append(response.json()["id"])
            else:
                assert response.status_code == 503, response.text
                assert response.json()["error"]["code"] == "unavailable"
                unavailable.append(1)

    server = restartable_server()
    writers = [threading.Thread(target=write) for _ in range(4)]
    try:
        for thread in writers:
            thread.start()
        while len(acknowledged) < 50:
            time.sleep(0.01)
        server("stop", "-m", "immediate")
        while not unavailable:
            time.sleep(0.05)
        before_restart = len(acknowledged)
        server("start", "-w", "-l", "/dev/null")
        deadline = time.monotonic() + 60
        while len(acknowledged) < before_restart + 50 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in writers:
            thread.join()
    assert len(acknowledged) >= before_restart + 50, "writes did not resume after the restart"
    assert visible_ids(service, "restart") >= set(acknowledged)
    service.stop()


def restartable_server():
    """A function that runs pg_ctl, as the server's owner, on exactly the server this test
    talks to (its data directory and configuration file, read from the server itself)."""
    def setting(name):
        return subprocess.run(["psql", "-h", "127.0.0.1", "-tAc", f"SHOW {name}"], capture_output=True, text=True,
                              check=True, timeout=30).stdout.strip()

    data, config = setting("data_directory"), setting("config_file")
    version = setting("server_version_num")[:-4]
    pg_ctl = f"/usr/lib/postgresql/{version}/bin/pg_ctl"
    owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(action, *options):
        subprocess.run([*owner, pg_ctl, action, "-D", data, "-o", f"-c config_file={config}", *options],
                       check=True, timeout=60, capture_output=True)
    return run
