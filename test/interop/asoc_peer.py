#!/usr/bin/env python3
"""A small, independent ASoc v1 peer, written from the v1 wire format (docs/asoc-v1.md) alone.

Standard library only. It is the "other implementation" the interop tests run the lab's AsocNode
against, over real sockets, in both directions. It shares no code with the lab.

Wire format (docs/asoc-v1.md): every integer big-endian; frame header struct '!BBIII' (14 bytes) =
version u8 (1) | type u8 | stream_id u32 | seq u32 | length u32, then `length` payload bytes.
  DATA=1  a chunk of a stream; seq 0, 1, 2, ... per stream
  END=2   empty; seq = last DATA seq + 1
  CONTROL=3 reserved: a v1 peer ignores it (so are types 6-15)
  HELLO=4  node_uuid(16) . HMAC-SHA256(key, node_uuid || challenge u32)[0:16] . challenge u32
  ACCEPT=5 token(8) . HMAC-SHA256(key, token)[0:8]
The API key is the UTF-8 bytes of $ASOC_API_KEY.

Modes (every result is one JSON object per line on stdout; diagnostics go to stderr):
  client HOST PORT --bytes N --chunk C [--seed S] [--stream-id 1]
      connect, HELLO, verify ACCEPT, send N deterministic bytes as DATA frames of at most C bytes
      plus END, half-close, drain what the peer sends (ignoring it) until it closes, exit.
      prints {"event":"sent", "bytes", "frames", "sha256", "node_id", "ignored":[...]}.
  server --port 0 --count K
      listen on 127.0.0.1, print {"event":"listening","port":P}, verify HELLO (bad: close without
      sending a byte), reply ACCEPT, receive streams (any stream id), print
      {"event":"stream","stream_id","bytes","frames","sha256"} per stream, exit after K streams.
  vectors FILE
      check this peer's encoders against the reference implementation's test vectors.

Exit status: 0 ok; 2 usage; 3 the peer closed before ACCEPT (rejected); 4 bad ACCEPT signature;
5 protocol violation by the peer (or a vector mismatch); 6 timed out; 7 socket error (refused, reset).
Bounded: every socket operation has a timeout (--op-timeout) and the whole run a deadline
(--deadline), after which the process exits on its own.
"""

import argparse
import hashlib
import hmac
import json
import os
import random
import socket
import struct
import sys
import threading
import time

VERSION = 1
DATA, END, CONTROL, HELLO, ACCEPT = 1, 2, 3, 4, 5
HEADER = struct.Struct("!BBIII")  # 14 bytes
assert HEADER.size == 14
HELLO_SIZE = 16 + 16 + 4
ACCEPT_SIZE = 8 + 8
MAX_PAYLOAD = 64 * 1024 * 1024  # this peer's own bound, so a bad length cannot exhaust memory

EXIT_OK, EXIT_REJECTED, EXIT_BAD_ACCEPT, EXIT_PROTOCOL, EXIT_TIMEOUT, EXIT_TRANSPORT = 0, 3, 4, 5, 6, 7


class PeerClosed(Exception):
    """The other side closed the connection; `received` bytes had arrived on it."""

    def __init__(self, received):
        super().__init__("connection closed by peer after %d bytes" % received)
        self.received = received


class ProtocolError(Exception):
    pass


def emit(obj):
    sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
    sys.stdout.flush()


def log(msg):
    sys.stderr.write("asoc_peer: %s\n" % msg)
    sys.stderr.flush()


def api_key():
    key = os.environ.get("ASOC_API_KEY")
    if not key:
        log("ASOC_API_KEY is not set (there is no default key)")
        sys.exit(2)
    return key.encode("utf-8")


# ---- codecs ------------------------------------------------------------------------------------


def encode_frame(ftype, stream_id, seq, payload=b""):
    return HEADER.pack(VERSION, ftype, stream_id, seq, len(payload)) + payload


def hello_payload(key, node_uuid, challenge):
    sig = hmac.new(key, node_uuid + struct.pack("!I", challenge), hashlib.sha256).digest()[:16]
    return node_uuid + sig + struct.pack("!I", challenge)


def hello_ok(key, payload):
    if len(payload) != HELLO_SIZE:
        return False
    node_uuid, sig, challenge_bytes = payload[:16], payload[16:32], payload[32:36]
    expected = hmac.new(key, node_uuid + challenge_bytes, hashlib.sha256).digest()[:16]
    return hmac.compare_digest(sig, expected)


def accept_payload(key, token):
    return token + hmac.new(key, token, hashlib.sha256).digest()[:8]


def accept_ok(key, payload):
    if len(payload) != ACCEPT_SIZE:
        return False
    token, sig = payload[:8], payload[8:16]
    return hmac.compare_digest(sig, hmac.new(key, token, hashlib.sha256).digest()[:8])


# ---- a framed connection -----------------------------------------------------------------------


class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.received = 0  # every byte that arrived on this connection

    def recv_exact(self, n):
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            k = self.sock.recv_into(view[got:], n - got)
            if k == 0:
                raise PeerClosed(self.received)
            got += k
            self.received += k
        return bytes(buf)

    def read_frame(self):
        """(type, stream_id, seq, payload), or raises PeerClosed at a clean end between frames."""
        first = self.sock.recv(HEADER.size)
        if not first:
            raise PeerClosed(self.received)
        self.received += len(first)
        head = first if len(first) == HEADER.size else first + self.recv_exact(HEADER.size - len(first))
        version, ftype, stream_id, seq, length = HEADER.unpack(head)
        if version != VERSION:
            raise ProtocolError("frame version %d (only 1 is known): closing" % version)
        if length > MAX_PAYLOAD:
            raise ProtocolError("frame payload of %d bytes exceeds this peer's limit" % length)
        payload = self.recv_exact(length) if length else b""
        return ftype, stream_id, seq, payload


def deterministic_chunks(total, chunk, seed):
    rng = random.Random(seed)
    sent = 0
    while sent < total:
        n = min(chunk, total - sent)
        yield rng.getrandbits(8 * n).to_bytes(n, "little") if n else b""
        sent += n


# ---- modes -------------------------------------------------------------------------------------


def run_client(args):
    key = api_key()
    node_uuid = os.urandom(16)
    challenge = random.SystemRandom().getrandbits(32)
    sock = socket.create_connection((args.host, args.port), timeout=args.op_timeout)
    sock.settimeout(args.op_timeout)
    conn = Conn(sock)
    try:
        sock.sendall(encode_frame(HELLO, 0, 0, hello_payload(key, node_uuid, challenge)))
        try:
            while True:
                ftype, stream_id, seq, payload = conn.read_frame()
                if ftype == ACCEPT:
                    break
                log("ignoring frame type %d before ACCEPT" % ftype)
        except (PeerClosed, ConnectionResetError):
            emit({"event": "rejected", "bytes_received": conn.received, "closed": True})
            return EXIT_REJECTED
        if not accept_ok(key, payload):
            emit({"event": "bad-accept", "bytes_received": conn.received})
            return EXIT_BAD_ACCEPT

        digest = hashlib.sha256()
        sent = 0
        seq = 0
        for piece in deterministic_chunks(args.bytes, args.chunk, args.seed):
            digest.update(piece)
            sock.sendall(encode_frame(DATA, args.stream_id, seq, piece))
            sent += len(piece)
            seq += 1
        sock.sendall(encode_frame(END, args.stream_id, seq))
        frames = seq

        # Done sending: half-close, then drain whatever the peer sends until it closes. A v1 peer
        # knows nothing after ACCEPT but DATA/END; CONTROL and unknown frames are ignored.
        sock.shutdown(socket.SHUT_WR)
        ignored = []
        linger_until = time.monotonic() + args.linger
        while time.monotonic() < linger_until:
            sock.settimeout(max(0.05, linger_until - time.monotonic()))
            try:
                ftype, stream_id, fseq, payload = conn.read_frame()
            except (PeerClosed, ConnectionResetError, socket.timeout):
                break
            ignored.append({"type": ftype, "stream_id": stream_id, "seq": fseq, "length": len(payload)})
        emit({
            "event": "sent",
            "stream_id": args.stream_id,
            "bytes": sent,
            "frames": frames,
            "sha256": digest.hexdigest(),
            "node_id": node_uuid.hex(),
            "ignored": ignored,
        })
        return EXIT_OK
    finally:
        sock.close()


def serve_connection(conn, key, state, args):
    """Handshake then frames until the peer closes or enough streams ended. Returns the streams done."""
    sock = conn.sock
    try:
        ftype, _, _, payload = conn.read_frame()
    except (PeerClosed, ConnectionResetError, ProtocolError) as err:
        log("no HELLO: %s" % err)
        return
    if ftype != HELLO or not hello_ok(key, payload):
        # RFC-0001 section 9: an invalid HELLO closes the connection at once, with no error frame.
        emit({"event": "auth-failed", "type": ftype})
        return
    sock.sendall(encode_frame(ACCEPT, 0, 0, accept_payload(key, os.urandom(8))))
    emit({"event": "accepted", "node_id": payload[:16].hex()})

    streams = {}  # stream_id -> [next_seq, bytes, sha256]
    while state["done"] < args.count:
        try:
            ftype, stream_id, seq, payload = conn.read_frame()
        except (PeerClosed, ConnectionResetError) as err:
            log("peer closed with %d stream(s) open: %s" % (len(streams), err))
            return
        if ftype == DATA or ftype == END:
            if stream_id == 0:
                raise ProtocolError("DATA/END on reserved stream 0")
            st = streams.setdefault(stream_id, [0, 0, hashlib.sha256()])
            if seq != st[0]:
                raise ProtocolError("stream %d: seq %d, expected %d: closing" % (stream_id, seq, st[0]))
            st[0] += 1
            if ftype == DATA:
                st[1] += len(payload)
                st[2].update(payload)
            else:
                del streams[stream_id]
                state["done"] += 1
                emit({"event": "stream", "stream_id": stream_id, "bytes": st[1], "frames": seq, "sha256": st[2].hexdigest()})
        else:
            state["ignored"] += 1  # CONTROL, a late HELLO/ACCEPT, reserved types 6-15: ignored


def run_server(args):
    key = api_key()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(8)
    emit({"event": "listening", "port": listener.getsockname()[1]})
    state = {"done": 0, "ignored": 0}
    deadline = time.monotonic() + args.deadline
    try:
        while state["done"] < args.count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("no connection")
            listener.settimeout(remaining)
            sock, addr = listener.accept()
            sock.settimeout(args.op_timeout)
            conn = Conn(sock)
            try:
                serve_connection(conn, key, state, args)
            except ProtocolError as err:
                log(str(err))
                return EXIT_PROTOCOL
            finally:
                sock.close()
        emit({"event": "done", "streams": state["done"], "ignored_frames": state["ignored"]})
        return EXIT_OK
    finally:
        listener.close()


def run_vectors(args):
    with open(args.file, encoding="utf-8") as f:
        vectors = json.load(f)
    failures = []
    checked = 0
    for v in vectors["frames"]:
        got = encode_frame(v["type"], v["stream_id"], v["seq"], bytes.fromhex(v["payload"]))
        checked += 1
        if got.hex() != v["encoded"]:
            failures.append("frame %r" % v)
    for v in vectors["hello"]:
        key = v["api_key"].encode("utf-8")
        payload = hello_payload(key, bytes.fromhex(v["node_id"]), v["challenge"])
        checked += 1
        if payload.hex() != v["payload"] or encode_frame(HELLO, 0, 0, payload).hex() != v["frame"]:
            failures.append("hello %r" % v)
        if not hello_ok(key, bytes.fromhex(v["payload"])):
            failures.append("hello does not verify %r" % v)
    for v in vectors["accept"]:
        key = v["api_key"].encode("utf-8")
        payload = accept_payload(key, bytes.fromhex(v["token"]))
        checked += 1
        if payload.hex() != v["payload"] or encode_frame(ACCEPT, 0, 0, payload).hex() != v["frame"]:
            failures.append("accept %r" % v)
        if not accept_ok(key, bytes.fromhex(v["payload"])):
            failures.append("accept does not verify %r" % v)
    emit({"event": "vectors", "checked": checked, "failures": failures})
    return EXIT_OK if not failures else EXIT_PROTOCOL


def main(argv):
    parser = argparse.ArgumentParser(description="independent ASoc v1 peer (standard library only)")
    parser.add_argument("--op-timeout", type=float, default=10.0, help="seconds for any one socket operation")
    parser.add_argument("--deadline", type=float, default=30.0, help="seconds before the whole run gives up")
    sub = parser.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("client")
    c.add_argument("host")
    c.add_argument("port", type=int)
    c.add_argument("--bytes", type=int, required=True)
    c.add_argument("--chunk", type=int, default=1024 * 1024)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--stream-id", type=int, default=1)
    c.add_argument("--linger", type=float, default=3.0, help="seconds to drain the peer after END")
    s = sub.add_parser("server")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--count", type=int, default=1)
    v = sub.add_parser("vectors")
    v.add_argument("file")
    args = parser.parse_args(argv)
    if args.mode == "client" and (args.chunk < 1 or args.bytes < 0 or not 0 < args.stream_id < 2 ** 32):
        parser.error("need --chunk >= 1, --bytes >= 0 and a stream id in 1..2^32-1")

    # The hard stop: whatever blocks, the process ends by itself.
    def give_up():
        log("deadline of %.1f s passed" % args.deadline)
        emit({"event": "timeout", "deadline": args.deadline})
        os._exit(EXIT_TIMEOUT)

    timer = threading.Timer(args.deadline, give_up)
    timer.daemon = True
    timer.start()
    try:
        if args.mode == "client":
            return run_client(args)
        if args.mode == "server":
            return run_server(args)
        return run_vectors(args)
    except socket.timeout as err:
        emit({"event": "timeout", "detail": str(err) or "socket operation timed out"})
        return EXIT_TIMEOUT
    except (ConnectionError, OSError) as err:
        emit({"event": "error", "detail": str(err)})
        return EXIT_TRANSPORT
    finally:
        timer.cancel()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
