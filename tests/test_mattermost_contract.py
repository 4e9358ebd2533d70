"""The contract itself: the official API description plus the overlay catch what they should,
and the fake server's traffic in a whole conversation conforms to it.

Without ../shared/mattermost/openapi-v4.yaml these tests are skipped (with the reason shown);
CI sets CAGNOTTE_REQUIRE_MM_SPEC=1, which turns the absence into a failure."""

from __future__ import annotations

import copy
import json

import pytest

from tests.mm_contract import ContractViolation, load_contract, missing_reason, spec_required
from tests.mm_harness import mattermost_world


@pytest.fixture(scope="module")
def contract():
    found = load_contract()
    if found is None:
        if spec_required():
            pytest.fail(missing_reason())
        pytest.skip(missing_reason())
    return found


POST = {
    "id": "p" * 26,
    "create_at": 1732490000000,
    "update_at": 1732490000000,
    "edit_at": 0,
    "delete_at": 0,
    "is_pinned": False,
    "user_id": "u" * 26,
    "channel_id": "c" * 26,
    "root_id": "",
    "original_id": "",
    "message": "!contrib 2h",
    "type": "",
    "props": {},
    "hashtags": "",
    "pending_post_id": "",
    "reply_count": 0,
    "last_reply_at": 0,
    "participants": None,
    "metadata": {},
}
BROADCAST = {
    "omit_users": None,
    "user_id": "",
    "channel_id": "c" * 26,
    "team_id": "",
    "connection_id": "",
    "omit_connection_id": "",
}
POSTED = {
    "event": "posted",
    "data": {
        "channel_display_name": "Coroutine",
        "channel_name": "coroutine",
        "channel_type": "O",
        "post": json.dumps(POST),
        "sender_name": "@bob",
        "set_online": True,
        "team_id": "t" * 26,
    },
    "broadcast": BROADCAST,
    "seq": 3,
}
JSON = "application/json"


def test_real_shaped_frames_and_replies_pass(contract):
    contract.validate_frame(POSTED)
    contract.validate_response("POST", "/api/v4/posts", 201, JSON, json.dumps(POST), {})
    contract.validate_frame({"status": "OK", "seq_reply": 1})


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda f: f["data"].__setitem__("post", POST), "post"),  # an object, not a JSON string
        (lambda f: f.pop("broadcast"), "broadcast"),
        (
            lambda f: f["data"].__setitem__("post", json.dumps({**POST, "create_at": "hier"})),
            "create_at",
        ),
        (
            lambda f: f["data"].__setitem__(
                "post", json.dumps({k: v for k, v in POST.items() if k != "message"})
            ),
            "message",
        ),
    ],
    ids=["post-as-object", "no-broadcast", "bad-time", "no-message"],
)
def test_wrong_frames_are_caught(contract, change, message):
    frame = copy.deepcopy(POSTED)
    change(frame)
    with pytest.raises(ContractViolation, match=message):
        contract.validate_frame(frame)


def test_hello_needs_a_connection_id(contract):
    hello = {
        "event": "hello",
        "data": {"server_version": "10.11.0"},
        "broadcast": BROADCAST,
        "seq": 0,
    }
    with pytest.raises(ContractViolation, match="connection_id"):
        contract.validate_frame(hello)


def test_the_overlay_is_stricter_than_the_spec(contract):
    with pytest.raises(ContractViolation, match="required"):
        contract.validate_response("POST", "/api/v4/posts", 201, JSON, "{}", {})
    member = {
        "channel_id": "c" * 26,
        "user_id": "u" * 26,
        "roles": "channel_user",
        "last_viewed_at": 0,
        "msg_count": 0,
        "mention_count": 0,
        "notify_props": {},
        "last_update_at": 0,
        "scheme_guest": False,
        "scheme_user": True,
        "explicit_roles": "",
    }
    path = f"/api/v4/channels/{'c' * 26}/members/{'u' * 26}"
    with pytest.raises(ContractViolation, match="scheme_admin"):
        contract.validate_response("GET", path, 200, JSON, json.dumps(member), {})


def test_statuses_types_and_rate_limits(contract):
    with pytest.raises(ContractViolation, match="not documented"):
        contract.validate_response("POST", "/api/v4/posts", 200, JSON, json.dumps(POST), {})
    with pytest.raises(ContractViolation, match="Content-Type"):
        contract.validate_response(
            "POST", "/api/v4/posts", 201, "application/json; charset=utf-8", json.dumps(POST), {}
        )
    with pytest.raises(ContractViolation, match="plain-text"):
        contract.validate_response("POST", "/api/v4/posts", 429, JSON, "{}", {})
    with pytest.raises(ContractViolation, match="not in the API"):
        contract.operation("GET", "/api/v4/nowhere")
    with pytest.raises(ContractViolation, match="message"):
        contract.validate_request("POST", "/api/v4/posts", JSON, {"channel_id": "c"}, None)


async def test_the_fake_conforms_in_a_whole_conversation(contract, runtime):
    async with mattermost_world(runtime) as mm:
        await mm.start()
        await mm.say("alice", "!contrib 1h accueil")
        await mm.say("bob", "!contrib 2h compta")
        await mm.edit("bob", mm.last_id, "!contrib 3h compta")
        await mm.react("alice", "b2", "+1")
        await mm.unreact("alice", "b2", "+1")
        await mm.say("bob", "!export csv")
        await mm.delete("bob", "u3")
        await mm.fake.add_member(mm.channel, mm.fake.add_user("dora"))
        used = set(contract.checked)
    # every call the bot made was checked against the description
    assert {
        "GetUser",
        "GetTeamByName",
        "GetChannelsForTeamForUser",
        "GetTeamMember",
        "GetChannelMember",
        "CreatePost",
        "UploadFile",
    } <= used, used
