"""The Mattermost API contract the fake server is held to.

REST: the official OpenAPI v4 description (kept outside the project, at
``../shared/mattermost/openapi-v4.yaml`` beside the repository, or ``$CAGNOTTE_MM_SPEC``), plus
this project's stricter overlay: the official schemas declare almost no required field and miss
or misname some that the server always sends (``hashtags``, ``ChannelMember.scheme_admin``,
``Reaction.channel_id``...), so the overlay adds them as the server's structures serialise them.

WebSocket: the spec describes it in prose only; the frame schemas below are written from the
server's behaviour (envelope ``{event, data, broadcast, seq}``, replies ``{status, seq_reply}``,
``post`` and ``reaction`` as JSON strings), and the decoded post/reaction are checked against the
same Post/Reaction schemas as REST.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

ROOT = Path(__file__).resolve().parent.parent
SPEC_ENV = "CAGNOTTE_MM_SPEC"
REQUIRE_ENV = "CAGNOTTE_REQUIRE_MM_SPEC"
SPEC_URI = "urn:mattermost-openapi-v4"


def spec_path() -> Path:
    return Path(
        os.environ.get(SPEC_ENV) or ROOT.parent / "shared" / "mattermost" / "openapi-v4.yaml"
    )


def spec_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in ("1", "true", "yes")


class ContractViolation(AssertionError):
    pass


_STR = {"type": "string"}
_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}

# Fields the server always sends (no ``omitempty`` in its structures) and fields the spec lacks.
# requests whose body is a component of the overlay: what the endpoint reads (its description)
REQUEST_REQUIRED = {"SaveReaction": ["user_id", "post_id", "emoji_name"]}

OVERLAY: dict[str, dict[str, Any]] = {
    "Post": {
        "properties": {
            "hashtags": _STR,
            "is_pinned": _BOOL,
            "reply_count": _INT,
            "last_reply_at": _INT,
            "participants": {"type": ["array", "null"]},
            "edit_at": _INT,
        },
        "required": [
            "id",
            "create_at",
            "update_at",
            "edit_at",
            "delete_at",
            "is_pinned",
            "user_id",
            "channel_id",
            "root_id",
            "original_id",
            "message",
            "type",
            "props",
            "hashtags",
            "pending_post_id",
            "reply_count",
            "last_reply_at",
            "participants",
        ],
    },
    "Reaction": {
        "properties": {
            "emoji_name": {"type": "string", "pattern": r"^[a-zA-Z0-9\-\+_]+$"},
            "update_at": _INT,
            "delete_at": _INT,
            "remote_id": {"type": ["string", "null"]},
            "channel_id": _STR,
        },
        "required": [
            "user_id",
            "post_id",
            "emoji_name",
            "create_at",
            "update_at",
            "delete_at",
            "remote_id",
            "channel_id",
        ],
    },
    "ChannelMember": {
        "properties": {
            "scheme_guest": _BOOL,
            "scheme_user": _BOOL,
            "scheme_admin": _BOOL,
            "explicit_roles": _STR,
        },
        "required": [
            "channel_id",
            "user_id",
            "roles",
            "last_viewed_at",
            "msg_count",
            "mention_count",
            "notify_props",
            "last_update_at",
            "scheme_guest",
            "scheme_user",
            "scheme_admin",
            "explicit_roles",
        ],
    },
    "TeamMember": {
        "properties": {"scheme_guest": _BOOL},
        "required": [
            "team_id",
            "user_id",
            "roles",
            "delete_at",
            "scheme_guest",
            "scheme_user",
            "scheme_admin",
            "explicit_roles",
        ],
    },
    "User": {
        "properties": {"position": _STR, "is_bot": _BOOL},
        "required": [
            "id",
            "create_at",
            "update_at",
            "delete_at",
            "username",
            "auth_service",
            "email",
            "nickname",
            "first_name",
            "last_name",
            "position",
            "roles",
            "locale",
            "timezone",
        ],
    },
    "FileInfo": {
        "properties": {"channel_id": _STR},
        "required": [
            "id",
            "user_id",
            "post_id",
            "channel_id",
            "create_at",
            "update_at",
            "delete_at",
            "name",
            "extension",
            "size",
            "mime_type",
            "has_preview_image",
        ],
    },
    "Channel": {
        "required": [
            "id",
            "create_at",
            "update_at",
            "delete_at",
            "team_id",
            "type",
            "display_name",
            "name",
            "header",
            "purpose",
            "last_post_at",
            "total_msg_count",
            "creator_id",
        ],
    },
    "Team": {"required": ["id", "create_at", "update_at", "delete_at", "display_name", "name"]},
    "AppError": {
        "properties": {"detailed_error": _STR},
        "required": ["id", "message", "detailed_error", "request_id", "status_code"],
    },
    "StatusOK": {"required": ["status"]},
    # the server sends the time zone as a map of strings ("true", not true)
    "Timezone": {"properties": {"useAutomaticTimezone": _STR}},
    "PostList": {"required": ["order", "posts", "next_post_id", "prev_post_id", "has_next"]},
}

# request bodies whose schema is a structure the server also sends back: the fields a client must
# set are the ones the operation names, not the ones the server fills in (the overlay's)
REQUEST_REQUIRED: dict[str, list[str]] = {
    # "The user's reaction with its post_id, user_id, and emoji_name fields set"
    "SaveReaction": ["user_id", "post_id", "emoji_name"],
}

_BROADCAST = {
    "type": "object",
    "required": [
        "omit_users",
        "user_id",
        "channel_id",
        "team_id",
        "connection_id",
        "omit_connection_id",
    ],
    "properties": {
        "omit_users": {"type": ["object", "null"]},
        "user_id": _STR,
        "channel_id": _STR,
        "team_id": _STR,
        "connection_id": _STR,
        "omit_connection_id": _STR,
        "contains_sanitized_data": {"const": True},
        "contains_sensitive_data": {"const": True},
    },
    "additionalProperties": False,
}
_JSON_STRING = {"type": "string", "minLength": 2}
EVENT_DATA: dict[str, dict[str, Any]] = {
    "hello": {
        "required": ["server_version", "connection_id"],
        "properties": {
            "server_version": _STR,
            "connection_id": {"type": "string", "minLength": 1},
            "server_hostname": _STR,
        },
    },
    "posted": {
        "required": [
            "channel_display_name",
            "channel_name",
            "channel_type",
            "post",
            "sender_name",
            "set_online",
            "team_id",
        ],
        "properties": {
            "channel_display_name": _STR,
            "channel_name": _STR,
            "channel_type": {"enum": ["O", "P", "D", "G"]},
            "post": _JSON_STRING,
            "sender_name": _STR,
            "set_online": _BOOL,
            "team_id": _STR,
            "mentions": _JSON_STRING,
            "followers": _JSON_STRING,
            "otherFile": {"const": "true"},
            "image": {"const": "true"},
        },
    },
    "post_edited": {"required": ["post"], "properties": {"post": _JSON_STRING}},
    "post_deleted": {
        "required": ["post"],
        "properties": {"post": _JSON_STRING, "delete_by": _STR},
    },
    "reaction_added": {"required": ["reaction"], "properties": {"reaction": _JSON_STRING}},
    "reaction_removed": {"required": ["reaction"], "properties": {"reaction": _JSON_STRING}},
    "user_added": {
        "required": ["user_id", "team_id"],
        "properties": {"user_id": _STR, "team_id": _STR},
    },
    "user_removed": {
        "required": ["remover_id"],
        "properties": {"user_id": _STR, "remover_id": _STR, "channel_id": _STR},
    },
}
ENVELOPE = {
    "type": "object",
    "required": ["event", "data", "broadcast", "seq"],
    "properties": {
        "event": {"enum": sorted(EVENT_DATA)},
        "data": {"type": "object"},
        "broadcast": _BROADCAST,
        "seq": {"type": "integer", "minimum": 0},
    },
    "additionalProperties": False,
}
REPLY = {
    "type": "object",
    "required": ["status", "seq_reply"],
    "properties": {
        "status": {"enum": ["OK", "FAIL"]},
        "seq_reply": {"type": "integer", "minimum": 1},
        "data": {"type": "object"},
        "error": {"type": "object", "required": ["id", "message"]},
    },
    "additionalProperties": False,
}


def _nullable_to_json_schema(node: Any) -> None:
    """OpenAPI 3.0 ``nullable: true`` -> a JSON Schema type list with ``null``."""
    if isinstance(node, dict):
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        for value in node.values():
            _nullable_to_json_schema(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_to_json_schema(value)


class Contract:
    def __init__(self, spec: dict[str, Any]) -> None:
        spec = copy.deepcopy(spec)
        schemas = spec["components"]["schemas"]
        for name, extra in OVERLAY.items():
            schema = schemas.setdefault(name, {"type": "object", "properties": {}})
            schema.setdefault("properties", {}).update(extra.get("properties", {}))
            if "required" in extra:
                schema["required"] = sorted(
                    set(schema.get("required", [])) | set(extra["required"])
                )
        _nullable_to_json_schema(spec)
        self.spec = spec
        resource = Resource.from_contents(spec, default_specification=DRAFT7)
        self.registry: Registry = Registry().with_resource(SPEC_URI, resource)
        self._routes: list[tuple[re.Pattern[str], str, int]] = []
        for template in spec["paths"]:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            literal = len(re.sub(r"\{[^}]+\}", "", template))
            self._routes.append((re.compile(f"^{pattern}$"), template, literal))
        self.checked: dict[str, int] = {}  # operationId -> validated responses (coverage)

    # -- REST --------------------------------------------------------------------------------
    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        method = method.lower()
        found = [
            (literal, template)
            for pattern, template, literal in self._routes
            if pattern.match(path) and method in self.spec["paths"][template]
        ]
        if not found:
            raise ContractViolation(f"{method.upper()} {path}: not in the API")
        template = max(found)[1]
        return template, self.spec["paths"][template][method]

    def validate(self, instance: Any, schema: dict[str, Any], what: str) -> None:
        validator = jsonschema.Draft7Validator(schema, registry=self.registry)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            where = "/".join(str(p) for p in first.absolute_path)
            raise ContractViolation(f"{what}: {where}: {first.message}")

    def component(self, name: str) -> dict[str, Any]:
        return {"$ref": f"{SPEC_URI}#/components/schemas/{name}"}

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            pointer = node["$ref"].lstrip("#/").split("/")
            target: Any = self.spec
            for part in pointer:
                target = target[part]
            node = target
        return node

    def _rebase(self, schema: Any) -> Any:
        """Local ``#/...`` refs inside a path's inline schema -> refs into the registered spec."""
        if isinstance(schema, dict):
            return {
                k: (f"{SPEC_URI}{v}" if k == "$ref" and v.startswith("#") else self._rebase(v))
                for k, v in schema.items()
            }
        if isinstance(schema, list):
            return [self._rebase(v) for v in schema]
        return schema

    def validate_request(
        self, method: str, path: str, content_type: str, body: Any, form: dict[str, Any] | None
    ) -> None:
        _template, op = self.operation(method, path)
        request_body = op.get("requestBody")
        what = f"request {method} {path} ({op.get('operationId')})"
        if request_body is None:
            return
        content = self._resolve(request_body).get("content", {})
        media = content_type.split(";")[0].strip()
        if media not in content:
            raise ContractViolation(f"{what}: content type {media!r} not in {sorted(content)}")
        schema = content[media].get("schema")
        if schema is None:
            return
        if media == "application/json":
            required = REQUEST_REQUIRED.get(str(op.get("operationId")))
            if required is not None:
                # a request body of a component the overlay makes strict (as the server sends
                # it): the client sends what the endpoint reads
                schema = {**self._resolve(schema), "required": required}
            self.validate(body, self._rebase(schema), what)
        elif form is not None:
            props = self._resolve(schema).get("properties", {})
            unknown = set(form) - set(props)
            if unknown:
                raise ContractViolation(f"{what}: unknown form fields {sorted(unknown)}")

    def validate_response(
        self,
        method: str,
        path: str,
        status: int,
        content_type: str,
        body_text: str,
        headers: dict[str, str],
    ) -> None:
        _template, op = self.operation(method, path)
        op_id = str(op.get("operationId"))
        what = f"response {status} to {method} {path} ({op_id})"
        if status == 429:
            # introduction.yaml: a plain-text body and the X-RateLimit-* headers
            if content_type.split(";")[0] != "text/plain" or "limit exceeded" not in body_text:
                raise ContractViolation(f"{what}: a 429 has a plain-text 'limit exceeded' body")
            for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
                if name not in headers:
                    raise ContractViolation(f"{what}: missing header {name}")
            return
        responses = op.get("responses", {})
        if op_id == "GetFile" and status == 200:
            # the file's bytes, with its type (the description documents no 200 for them)
            self.checked[op_id] = self.checked.get(op_id, 0) + 1
            return
        spec_response = responses.get(str(status))
        if spec_response is None:
            raise ContractViolation(f"{what}: status {status} not documented ({sorted(responses)})")
        if content_type != "application/json":
            # the server's API handler sets exactly this header
            raise ContractViolation(f"{what}: Content-Type {content_type!r}")
        content = self._resolve(spec_response).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        body = json.loads(body_text)
        if schema is not None:
            self.validate(body, self._rebase(schema), what)
        self.checked[op_id] = self.checked.get(op_id, 0) + 1

    # -- WebSocket ---------------------------------------------------------------------------
    def validate_frame(self, frame: dict[str, Any]) -> None:
        if "seq_reply" in frame:
            self.validate(frame, REPLY, "websocket reply")
            return
        self.validate(frame, ENVELOPE, "websocket event")
        name = frame["event"]
        data_schema = {"type": "object", "additionalProperties": False, **EVENT_DATA[name]}
        self.validate(frame["data"], data_schema, f"websocket {name} data")
        if "post" in frame["data"]:
            post = json.loads(frame["data"]["post"])
            self.validate(post, self.component("Post"), f"websocket {name} post")
        if "reaction" in frame["data"]:
            reaction = json.loads(frame["data"]["reaction"])
            self.validate(reaction, self.component("Reaction"), f"websocket {name} reaction")
        for key in ("mentions", "followers"):
            if key in frame["data"] and not isinstance(json.loads(frame["data"][key]), list):
                raise ContractViolation(f"websocket {name}: {key} is not a JSON list")


@functools.lru_cache(maxsize=1)
def load_contract() -> Contract | None:
    """The contract, or ``None`` when the spec file is absent."""
    path = spec_path()
    if not path.exists():
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as fh:
        spec = yaml.load(fh, Loader=loader)
    return Contract(spec)


def missing_reason() -> str:
    return (
        f"the Mattermost API description is absent ({spec_path()}); the contract checks need "
        f"shared/ beside the repository (or ${SPEC_ENV})"
    )
