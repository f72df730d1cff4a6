"""The REST API against its OpenAPI document: schemathesis generates requests from the
document served at /v1/openapi.yaml and checks every response against it."""

import subprocess
import sys
from pathlib import Path

import requests
import yaml
from openapi_spec_validator import validate as validate_spec

# What the document can promise: no server error, and every response's status, content type,
# headers and body as documented. Left out: checks of business rules a schema cannot state
# (an expiry in the past is refused, a cursor must be one the service issued) and of methods
# the document does not list.
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance," \
         "response_schema_conformance"


def test_the_document_is_valid_openapi(service):
    served = requests.get(service.url + "/v1/openapi.yaml", timeout=10)
    document = yaml.safe_load(served.text)
    validate_spec(document)
    kept = yaml.safe_load((Path(__file__).parents[2] / "Sources/MemoryGraphService/openapi.yaml").read_text())
    assert document == kept and document["openapi"].startswith("3.1")


def test_generated_requests_match_the_document(service):
    # Some nodes, so that generated reads also find things.
    headers = service.headers("planner")
    for n in range(5):
        requests.post(service.url + "/v1/nodes", json={"context": "c", "result": {"n": n}}, headers=headers, timeout=10)
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "run", service.url + "/v1/openapi.yaml",
        "--url", service.url, "--header", f"Authorization: Bearer {service.tokens['planner']}",
        "--checks", CHECKS, "--max-examples", "25", "--seed", "20261206", "--request-timeout", "10",
        "--suppress-health-check", "all",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=420)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
