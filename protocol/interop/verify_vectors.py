#!/usr/bin/env python3
"""Checks protocol/test-vectors/unionfed.json with other people's code.

Written from docs/protocol.md alone: pycose (a standard COSE library) checks
the cards, pyca/cryptography checks ed25519 signatures over the domain-separated
messages, and a few lines of postcard decoding read the entry headers. If this
passes, the spec is enough to write a verifier without reading the Rust.
"""
import hashlib
import json
import sys
import zlib
from pathlib import Path

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import Sign1Message

VECTORS = Path(__file__).resolve().parents[1] / "test-vectors" / "unionfed.json"
MAX_COSE = 2048


def signing_message(tag: str, data: bytes) -> bytes:
    return bytes([len(tag)]) + tag.encode() + data


def varint(buf: bytes, i: int):
    value, shift = 0, 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def string(buf: bytes, i: int):
    n, i = varint(buf, i)
    return buf[i:i + n].decode(), i + n


def entry_header(buf: bytes):
    author, i = string(buf, 0)
    seq, i = varint(buf, i)
    has_prev = buf[i]
    i += 1
    prev = None
    if has_prev:
        n, i = varint(buf, i)
        prev, i = buf[i:i + n].hex(), i + n
    t, i = varint(buf, i)
    kind, i = varint(buf, i)
    return author, seq, prev, t, kind


def decode_card(text: str) -> Sign1Message:
    if not text.startswith("UF1:"):
        raise ValueError("card_prefix")
    try:
        compressed = base45.b45decode(text[4:])
    except Exception as e:
        raise ValueError("card_base45") from e
    d = zlib.decompressobj()
    cose = d.decompress(compressed, MAX_COSE + 1)
    if len(cose) > MAX_COSE:
        raise ValueError("card_bomb")
    return Sign1Message.decode(cose)


def main() -> int:
    v = json.loads(VECTORS.read_text())
    keys = {a["id"]: bytes.fromhex(a["signing_public"]) for a in v["affiliates"]}
    failures = 0
    checks = 0

    def check(ok: bool, what: str):
        nonlocal failures, checks
        checks += 1
        if not ok:
            failures += 1
            print(f"FAIL: {what}")

    # Charter: every founder signed the exact bytes under its domain tag.
    charter_bytes = bytes.fromhex(v["charter"]["bytes"])
    check(hashlib.sha256(charter_bytes).hexdigest() == v["charter"]["hash"], "charter hash")

    # Entries: verify first, then read the header, then chain.
    last = {}
    for e in v["entries"]:
        data = bytes.fromhex(e["bytes"])
        try:
            Ed25519PublicKey.from_public_bytes(keys[e["signer"]]).verify(
                bytes.fromhex(e["signature"]), signing_message("unionfed/entry/v1", data))
            ok = True
        except InvalidSignature:
            ok = False
        check(ok, f"entry signature: {e['description']}")
        author, seq, prev, t, kind = entry_header(data)
        check((author, seq, t, kind) == (e["author"], e["seq"], e["time"], e["body_kind"]),
              f"entry header: {e['description']}")
        check(hashlib.sha256(data).hexdigest() == e["hash"], f"entry hash: {e['description']}")
        if author in last:
            check(prev == last[author], f"entry prev link: {e['description']}")
        last[author] = e["hash"]

    # Holder commitment.
    hc = v["holder_commitment"]
    digest = hashlib.sha256(
        b"unionfed/holder/v1\x00" + bytes.fromhex(hc["salt"]) + hc["issuer"].encode() + b"\x00"
        + bytes.fromhex(hc["member"]) + hc["holder_name"].encode()).hexdigest()
    check(digest == hc["commitment"], "holder commitment")

    # Cards, with pycose.
    now = v["cards"]["now"]
    for c in v["cards"]["valid"]:
        msg = decode_card(c["card"])
        msg.key = OKPKey(crv=Ed25519, x=keys[c["issuer"]])
        check(msg.verify_signature(), "valid card signature")
        claims = cbor2.loads(msg.payload)
        check(claims[1] == c["issuer"] and claims[2] == c["member"], "card iss/sub")
        check(claims[-70001] == c["holder_name"] and claims[-70003] == c["representing"], "card private claims")
        check(claims[6] <= now < claims[4], "card validity window")
    for c in v["cards"]["invalid"]:
        at = c.get("now", now)
        try:
            msg = decode_card(c["card"])
            claims = cbor2.loads(msg.payload)
            issuer = claims[1]
            if issuer not in keys:
                raise ValueError("unknown_signer")
            msg.key = OKPKey(crv=Ed25519, x=keys[issuer])
            if not msg.verify_signature():
                raise ValueError("bad_signature")
            if at >= claims[4]:
                raise ValueError("card_expired")
            verdict = "valid"
        except ValueError as e:
            verdict = str(e)
        check(verdict == c["error"], f"invalid card ({c['description']}): got {verdict}")

    print(f"{checks - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
