//! Checks the JSON test vectors in `protocol/test-vectors/` against this crate.

use serde_json::Value;
use unionfed_protocol::card::holder_commitment;
use unionfed_protocol::handoff::hpke_open;
use unionfed_protocol::{
    AffiliateSigningKey, Charter, CharterDocument, DecodedCard, EncryptionSecretKey, Entry,
    MemberId, PublicKey, SignatureBytes, Signed, SignedEntry, SignedHandoff, SignedReceipt,
    Timestamp,
};

fn load(name: &str) -> Value {
    let path = format!("{}/test-vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn bytes(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn array<const N: usize>(v: &Value) -> [u8; N] {
    bytes(v).try_into().unwrap()
}

#[test]
fn rfc8032_ed25519_vectors_hold() {
    for v in load("rfc8032.json")["vectors"].as_array().unwrap() {
        let key = AffiliateSigningKey::from_seed(&array(&v["secret"]));
        let public = PublicKey::from_bytes(&array(&v["public"])).unwrap();
        assert_eq!(key.public(), public, "{}", v["name"]);
        let signature = SignatureBytes(array(&v["signature"]));
        let message = bytes(&v["message"]);
        assert!(
            public.verify_strict_raw(&message, &signature),
            "{}",
            v["name"]
        );
        assert!(!public.verify_strict_raw(b"other", &signature));
    }
}

#[test]
fn rfc9180_hpke_vector_opens() {
    let v = load("rfc9180.json");
    let sk = EncryptionSecretKey::from_bytes(array(&v["skRm"]));
    assert_eq!(sk.public().0, array::<32>(&v["pkRm"]));
    let e = &v["encryption"];
    let plain = hpke_open(
        &sk,
        &array(&v["enc"]),
        &bytes(&v["info"]),
        &bytes(&e["aad"]),
        &bytes(&e["ct"]),
    )
    .unwrap();
    assert_eq!(plain, bytes(&e["pt"]));
    let mut ct = bytes(&e["ct"]);
    ct[0] ^= 1;
    assert!(hpke_open(
        &sk,
        &array(&v["enc"]),
        &bytes(&v["info"]),
        &bytes(&e["aad"]),
        &ct
    )
    .is_err());
}

fn charter(v: &Value) -> Charter {
    let doc: CharterDocument = postcard::from_bytes(&bytes(&v["charter"]["document"])).unwrap();
    assert_eq!(
        hex::encode(doc.bytes()),
        v["charter"]["bytes"].as_str().unwrap()
    );
    assert_eq!(
        hex::encode(doc.hash()),
        v["charter"]["hash"].as_str().unwrap()
    );
    let charter = doc.verify_genesis().unwrap();
    assert_eq!(
        u64::from(charter.version),
        v["charter"]["version"].as_u64().unwrap()
    );
    assert_eq!(
        u64::from(charter.threshold),
        v["charter"]["threshold"].as_u64().unwrap()
    );
    charter
}

#[test]
fn affiliate_keys_derive_as_listed() {
    let v = load("unionfed.json");
    let charter = charter(&v);
    for a in v["affiliates"].as_array().unwrap() {
        let key = AffiliateSigningKey::from_seed(&array(&a["signing_seed"]));
        assert_eq!(
            key.public().to_string(),
            a["signing_public"].as_str().unwrap()
        );
        let enc = EncryptionSecretKey::from_bytes(array(&a["encryption_secret"]));
        assert_eq!(
            enc.public().to_string(),
            a["encryption_public"].as_str().unwrap()
        );
        let listed = charter
            .affiliate(&a["id"].as_str().unwrap().parse().unwrap())
            .unwrap();
        assert_eq!(listed.signing_keys[0].key, key.public());
        assert_eq!(listed.encryption_key, enc.public());
    }
}

#[test]
fn entry_vectors_verify_and_re_sign_to_the_same_bytes() {
    let v = load("unionfed.json");
    let charter = charter(&v);
    let seed_of = |id: &str| {
        let a = v["affiliates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap();
        AffiliateSigningKey::from_seed(&array(&a["signing_seed"]))
    };
    let mut previous: Option<(Entry, SignedEntry)> = None;
    for e in v["entries"].as_array().unwrap() {
        let signed: SignedEntry = Signed::from_parts(
            e["signer"].as_str().unwrap().parse().unwrap(),
            bytes(&e["bytes"]),
            SignatureBytes(array(&e["signature"])),
        );
        let entry = signed.verify(&charter).unwrap();
        assert_eq!(signed.hash().to_string(), e["hash"].as_str().unwrap());
        assert_eq!(entry.author.as_str(), e["author"].as_str().unwrap());
        assert_eq!(entry.seq.get(), e["seq"].as_u64().unwrap());
        assert_eq!(entry.time.secs(), e["time"].as_u64().unwrap());
        assert_eq!(
            u64::from(entry.body.kind()),
            e["body_kind"].as_u64().unwrap()
        );
        let again = SignedEntry::sign(&entry, &seed_of(entry.author.as_str())).unwrap();
        assert_eq!(again, signed, "{}", e["description"]);
        if let Some((prev_entry, prev_signed)) = &previous {
            if prev_entry.author == entry.author {
                assert_eq!(entry.prev, Some(prev_signed.hash()));
            }
        }
        previous = Some((entry, signed));
    }
}

#[test]
fn holder_commitment_vector_holds() {
    let v = &load("unionfed.json")["holder_commitment"];
    let member: MemberId = v["member"].as_str().unwrap().parse().unwrap();
    let c = holder_commitment(
        &v["issuer"].as_str().unwrap().parse().unwrap(),
        &member,
        &array(&v["salt"]),
        v["holder_name"].as_str().unwrap(),
    );
    assert_eq!(hex::encode(c.0), v["commitment"].as_str().unwrap());
}

#[test]
fn card_vectors_give_their_verdicts() {
    let v = load("unionfed.json");
    let charter = charter(&v);
    let cards = &v["cards"];
    let now = Timestamp(cards["now"].as_u64().unwrap());
    for c in cards["valid"].as_array().unwrap() {
        let claims = DecodedCard::decode(c["card"].as_str().unwrap())
            .unwrap()
            .verify(&charter, now)
            .unwrap();
        assert_eq!(claims.issuer.as_str(), c["issuer"].as_str().unwrap());
        assert_eq!(claims.member.to_string(), c["member"].as_str().unwrap());
        assert_eq!(claims.holder_name, c["holder_name"].as_str().unwrap());
        assert_eq!(hex::encode(claims.salt), c["salt"].as_str().unwrap());
        assert_eq!(claims.issued_at.secs(), c["issued_at"].as_u64().unwrap());
        assert_eq!(claims.expires_at.secs(), c["expires_at"].as_u64().unwrap());
        let representing: Vec<&str> = claims.representing.iter().map(|a| a.as_str()).collect();
        assert_eq!(representing, ["MTUC"]);
    }
    for c in cards["invalid"].as_array().unwrap() {
        let at = c["now"].as_u64().map_or(now, Timestamp);
        let error = DecodedCard::decode(c["card"].as_str().unwrap())
            .and_then(|d| d.verify(&charter, at))
            .unwrap_err();
        assert_eq!(
            error.code(),
            c["error"].as_str().unwrap(),
            "{}",
            c["description"]
        );
    }
}

#[test]
fn handoff_vector_opens_for_its_recipient_and_its_receipt_verifies() {
    let v = load("unionfed.json");
    let charter = charter(&v);
    let h = &v["handoff"];
    let signed: SignedHandoff = postcard::from_bytes(&bytes(&h["signed"])).unwrap();
    let handoff = signed.verify(&charter).unwrap();
    let recipient = v["affiliates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == h["recipient"])
        .unwrap();
    let key = EncryptionSecretKey::from_bytes(array(&recipient["encryption_secret"]));
    let plain = handoff.open(&handoff.recipient, &key).unwrap();
    assert_eq!(plain, h["plaintext"].as_str().unwrap().as_bytes());
    let receipt: SignedReceipt = postcard::from_bytes(&bytes(&h["receipt"])).unwrap();
    assert!(receipt
        .verify(&charter)
        .unwrap()
        .acknowledges(&signed, &handoff));
}
