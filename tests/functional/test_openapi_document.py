"""The OpenAPI document is usable by generators: every reference in it resolves."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def test_every_reference_in_the_openapi_document_resolves(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    refs = set(_refs(document))
    assert refs
    for ref in sorted(refs):
        _resolve(document, ref)


def test_the_report_body_documents_video_frames(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    body = document["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"]
    schema = body["application/json"]["schema"]
    files = schema["properties"]["files"]["items"]
    files = _resolve(document, files["$ref"]) if "$ref" in files else files
    frames = next(s for s in files["properties"]["frames"]["anyOf"] if s.get("type") == "array")
    frame = frames["items"]
    frame = _resolve(document, frame["$ref"]) if "$ref" in frame else frame
    assert set(frame["properties"]) == {"t", "quality", "pdq"}
