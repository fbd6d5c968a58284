"""Recomputes vectors/asoc-v1.json with the public Python reference implementation of ASoc.

Every encoded byte comes from the reference's own functions (module protocol_binary); this script
only chooses the inputs and writes the JSON. Standard library only, besides the reference.

    PYTHONPATH=<reference checkout>/asoc python3 vectors/regenerate.py | cmp - vectors/asoc-v1.json

(vectors/README.md names the reference repository and commit.) Prints the JSON on stdout, byte for
byte as committed; exits non-zero if the reference's decoders disagree with its encoders.
"""
import hashlib
import json
import sys
import types

import protocol_binary as ref

DESCRIPTION = (
    "ASoc v1 wire test vectors, computed with the public Python reference implementation of "
    "RFC-0001/RFC-0002 (header '!BBIII', 14 bytes, big-endian). Hex strings."
)

# Fixed, reproducible inputs. Node ids and one token are prefixes of SHA-256 digests of short
# labels, so no input depends on a random source.
def digest_prefix(label: str, size: int) -> bytes:
    return hashlib.sha256(label.encode()).digest()[:size]


# (type, stream_id, seq, payload): empty, text, END, CONTROL, and every u32 field at its maximum.
FRAMES = [
    (ref.FRAME_DATA, 123, 0, b""),
    (ref.FRAME_DATA, 1, 7, b"hello tensor"),
    (ref.FRAME_END, 123, 100, b""),
    (ref.FRAME_CONTROL, 0, 0, bytes([0, 1])),
    (ref.FRAME_DATA, 0xFFFFFFFF, 0xFFFFFFFF, b"\xff"),
]

# (api_key, node_id, challenge). The first is RFC-0001 appendix C.1's example; the last key is
# RFC-0002 §4.5's example key, used as text.
HELLOS = [
    ("test-secret-key", bytes.fromhex("a1b2c3d4e5f607182930a1b2c3d4e5f6"), 0x12345678),
    ("benchmark-key", digest_prefix("node1", 16), 0),
    ("k", digest_prefix("node2", 16), 0xFFFFFFFF),
    ("a3f5b8c9e2d4f7a1b6c8e9f0d3a5b7c9e1f3a5b7c9e1f3a5b7c9e1f3a5b7c9e1", digest_prefix("node3", 16), 0xDEADBEEF),
]

# (api_key, session token)
ACCEPTS = [
    ("test-secret-key", bytes(8)),
    ("benchmark-key", bytes(range(1, 9))),
    ("k", digest_prefix("tok", 8)),
]

# (community, api_key, node_id, port, timestamp, challenge)
DISCOVERIES = [
    ("test-cluster", "test-secret-key", digest_prefix("n1", 16), 9000, 1700000000, 0x12345678),
    ("my-cluster", "secret-key", digest_prefix("n2", 16), 9001, 0, 0),
    ("production-training-cluster", "benchmark-key", digest_prefix("n3", 16), 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF),
]

# The empty string and a non-ASCII one exercise SHA-256 of nothing and UTF-8 encoding.
COMMUNITIES = ["test-cluster", "my-cluster", "", "ünïcode-cluster"]


class ReferenceDisagrees(Exception):
    """The reference's decoder rejected or misread what its encoder produced."""


def require(condition: bool, what: str) -> None:
    if not condition:
        raise ReferenceDisagrees(what)


def frame_vectors():
    for frame_type, stream_id, seq, payload in FRAMES:
        encoded = ref.encode_frame(frame_type, stream_id, seq, payload)
        require(ref.decode_header(encoded[: ref.HEADER_SIZE]) == (1, frame_type, stream_id, seq, len(payload)), f"frame {frame_type}/{stream_id}/{seq}")
        yield {"type": frame_type, "stream_id": stream_id, "seq": seq, "payload": payload.hex(), "encoded": encoded.hex()}


def hello_vectors():
    for api_key, node_id, challenge in HELLOS:
        payload = ref.encode_hello(node_id, api_key.encode(), challenge)
        require(ref.verify_hello(payload, api_key.encode()), f"HELLO for key {api_key!r}")
        frame = ref.encode_frame(ref.FRAME_HELLO, 0, 0, payload)
        yield {"api_key": api_key, "node_id": node_id.hex(), "challenge": challenge, "payload": payload.hex(), "frame": frame.hex()}


def accept_with_token(api_key: bytes, token: bytes) -> bytes:
    """The reference's encode_accept draws its token from secrets.token_bytes; hand it this one."""
    real_secrets = ref.secrets
    ref.secrets = types.SimpleNamespace(token_bytes=lambda size: token[:size])
    try:
        payload, issued = ref.encode_accept(api_key)
    finally:
        ref.secrets = real_secrets
    require(issued == token, "encode_accept did not take the given token")
    return payload


def accept_vectors():
    for api_key, token in ACCEPTS:
        payload = accept_with_token(api_key.encode(), token)
        require(ref.decode_accept(payload, api_key.encode()) == token, f"ACCEPT for key {api_key!r}")
        frame = ref.encode_frame(ref.FRAME_ACCEPT, 0, 0, payload)
        yield {"api_key": api_key, "token": token.hex(), "payload": payload.hex(), "frame": frame.hex()}


def discovery_vectors():
    for community, api_key, node_id, port, timestamp, challenge in DISCOVERIES:
        message = ref.encode_discovery(community, node_id, port, api_key.encode(), timestamp=timestamp, challenge=challenge)
        decoded = ref.decode_discovery(message, community, api_key.encode())
        require(decoded == {"node_id": node_id, "port": port, "timestamp": timestamp, "challenge": challenge}, f"discovery for {community!r}")
        yield {"community": community, "api_key": api_key, "node_id": node_id.hex(), "port": port, "timestamp": timestamp, "challenge": challenge, "message": message.hex()}


def community_hash_vectors():
    """The reference has no community-hash function of its own: a discovery message starts with it."""
    for community in COMMUNITIES:
        message = ref.encode_discovery(community, bytes(16), 0, b"any key", timestamp=0, challenge=0)
        yield {"community": community, "hash": message[:8].hex()}


def main() -> int:
    try:
        vectors = {
            "description": DESCRIPTION,
            "frames": list(frame_vectors()),
            "hello": list(hello_vectors()),
            "accept": list(accept_vectors()),
            "discovery": list(discovery_vectors()),
            "community_hash": list(community_hash_vectors()),
        }
    except ReferenceDisagrees as e:
        print(f"the reference's decoder disagrees with its encoder: {e}", file=sys.stderr)
        return 1
    # Same layout as the committed file: one-space indent, ASCII escapes, no final newline.
    sys.stdout.write(json.dumps(vectors, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
