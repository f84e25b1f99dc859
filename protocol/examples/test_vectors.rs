//! Writes the test vectors under `protocol/test-vectors/`.
//!
//! Run from the workspace root:
//! `cargo run -p unionfed-protocol --example test_vectors`
//! The protocol tests check every file it writes. Keys, entries, the charter
//! and the cards are deterministic; the handoff's HPKE ephemeral key is fresh
//! each run, so that vector changes whenever this runs.

use serde_json::{json, Value};
use std::path::Path;
use unionfed_protocol::card::{self, CardClaims};
use unionfed_protocol::charter::AffiliateStatus;
use unionfed_protocol::entry::{
    Body, MemberStatus, MembershipAttestation, RepresentationCommitment,
};
use unionfed_protocol::{
    AffiliateId, AffiliateSigningKey, Charter, CharterAffiliate, CharterDocument,
    EncryptionSecretKey, Entry, HandoffId, HandoffKind, HandoffSeal, KeyPeriod, MemberId, Receipt,
    Seq, SignedEntry, SignedReceipt, Timestamp,
};

const T0: u64 = 1_790_000_000;
const DAY: u64 = 86_400;

struct Founder {
    id: AffiliateId,
    name: &'static str,
    country: &'static str,
    seed: [u8; 32],
    enc: [u8; 32],
}

fn founders() -> Result<Vec<Founder>, unionfed_protocol::ProtocolError> {
    [
        ("KSPI", "Konfederasi Serikat Pekerja Indonesia", "ID", 1u8),
        ("MTUC", "Malaysian Trades Union Congress", "MY", 2),
        (
            "NTUC-PHL",
            "National Trade Union Center Philippines",
            "PH",
            3,
        ),
    ]
    .into_iter()
    .map(|(id, name, country, n)| {
        Ok(Founder {
            id: id.parse()?,
            name,
            country,
            seed: [n; 32],
            enc: [n + 100; 32],
        })
    })
    .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors");
    std::fs::create_dir_all(&out)?;
    write(&out.join("unionfed.json"), &unionfed_vectors()?)?;
    println!("wrote {}", out.join("unionfed.json").display());
    Ok(())
}

fn write(path: &Path, value: &Value) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    text.push('\n');
    std::fs::write(path, text)
}

fn unionfed_vectors() -> Result<Value, Box<dyn std::error::Error>> {
    let founders = founders()?;
    let keys: Vec<AffiliateSigningKey> = founders
        .iter()
        .map(|f| AffiliateSigningKey::from_seed(&f.seed))
        .collect();
    let encs: Vec<EncryptionSecretKey> = founders
        .iter()
        .map(|f| EncryptionSecretKey::from_bytes(f.enc))
        .collect();

    let charter = Charter {
        federation: "ASEAN Migrant Workers Union Federation (test vectors)".into(),
        version: 1,
        previous: None,
        threshold: 2,
        issued_at: Timestamp(T0),
        affiliates: founders
            .iter()
            .zip(&keys)
            .zip(&encs)
            .map(|((f, k), e)| {
                Ok(CharterAffiliate {
                    id: f.id.clone(),
                    name: f.name.into(),
                    country: f.country.parse()?,
                    status: AffiliateStatus::Active,
                    signing_keys: vec![KeyPeriod {
                        key: k.public(),
                        valid_from: Timestamp(0),
                        valid_until: None,
                    }],
                    encryption_key: e.public(),
                    nodes: vec![],
                })
            })
            .collect::<Result<_, unionfed_protocol::ProtocolError>>()?,
    };
    let mut document = CharterDocument::draft(&charter)?;
    for (f, k) in founders.iter().zip(&keys) {
        document.sign(&f.id, k);
    }
    document.verify_genesis()?;

    let member = MemberId::from_bytes(*b"member-vector-01");
    let salt = *b"salt-vector-0001";
    let holder_name = "Siti Rahayu";
    let commitment = card::holder_commitment(&founders[0].id, &member, &salt, holder_name);

    let attestation = Entry {
        author: founders[0].id.clone(),
        seq: Seq::FIRST,
        prev: None,
        time: Timestamp(T0 + 10),
        body: Body::Attestation(MembershipAttestation {
            member,
            status: MemberStatus::Active,
            member_since: Timestamp(T0),
            valid_until: Timestamp(T0 + 365 * DAY),
            holder_commitment: commitment,
        }),
    };
    let e1 = SignedEntry::sign(&attestation, &keys[0])?;
    let revocation = Entry {
        seq: Seq::new(2)?,
        prev: Some(e1.hash()),
        time: Timestamp(T0 + 20),
        body: Body::Attestation(MembershipAttestation {
            member,
            status: MemberStatus::Revoked,
            member_since: Timestamp(T0),
            valid_until: Timestamp(T0 + 365 * DAY),
            holder_commitment: commitment,
        }),
        ..attestation.clone()
    };
    let e2 = SignedEntry::sign(&revocation, &keys[0])?;
    let representation = Entry {
        author: founders[1].id.clone(),
        seq: Seq::FIRST,
        prev: None,
        time: Timestamp(T0 + 15),
        body: Body::Representation(RepresentationCommitment {
            member,
            home: founders[0].id.clone(),
            from: Timestamp(T0 + 15),
            until: Some(Timestamp(T0 + 730 * DAY)),
        }),
    };
    let e3 = SignedEntry::sign(&representation, &keys[1])?;
    let unknown = Entry {
        author: founders[2].id.clone(),
        seq: Seq::FIRST,
        prev: None,
        time: Timestamp(T0 + 30),
        body: Body::Unknown {
            kind: 900,
            payload: b"a body kind from a later version".to_vec(),
        },
    };
    let e4 = SignedEntry::sign(&unknown, &keys[2])?;

    let entry_vector = |description: &str, e: &SignedEntry, decoded: &Entry| {
        json!({
            "description": description,
            "signer": e.signer().as_str(),
            "bytes": hex::encode(e.bytes()),
            "signature": hex::encode(e.signature().0),
            "hash": e.hash().to_string(),
            "author": decoded.author.as_str(),
            "seq": decoded.seq.get(),
            "time": decoded.time.secs(),
            "body_kind": decoded.body.kind(),
        })
    };

    let claims = CardClaims {
        issuer: founders[0].id.clone(),
        member,
        holder_name: holder_name.into(),
        salt,
        issued_at: Timestamp(T0 + 10),
        expires_at: Timestamp(T0 + 365 * DAY),
        representing: vec![founders[1].id.clone()],
        membership_valid_until: None,
    };
    let valid_card = card::issue(&claims, &keys[0])?;
    let wrong_key_card = card::issue(&claims, &AffiliateSigningKey::from_seed(&[99; 32]))?;
    let unknown_issuer_card = card::issue(
        &CardClaims {
            issuer: "ROGUE".parse()?,
            ..claims.clone()
        },
        &keys[0],
    )?;
    let now = T0 + DAY;

    let payload = br#"{"kind":"member_transfer","holder_name":"Siti Rahayu"}"#;
    let handoff = HandoffSeal {
        id: HandoffId::from_bytes(*b"handoff-vector-1"),
        sender: founders[0].id.clone(),
        recipient: founders[1].id.clone(),
        kind: HandoffKind::MEMBER_TRANSFER,
        created_at: Timestamp(T0 + 40),
        recipient_key: &encs[1].public(),
        plaintext: payload,
    }
    .seal(&keys[0])?;
    let opened = handoff.verify(&document.verify_genesis()?)?;
    let receipt = SignedReceipt::sign(
        &Receipt::for_handoff(&handoff, &opened, Timestamp(T0 + 41)),
        &keys[1],
    )?;

    Ok(json!({
        "about": "unionfed protocol v1 test vectors; see docs/protocol.md. Generated by `cargo run -p unionfed-protocol --example test_vectors`.",
        "affiliates": founders.iter().zip(&keys).zip(&encs).map(|((f, k), e)| json!({
            "id": f.id.as_str(),
            "signing_seed": hex::encode(f.seed),
            "signing_public": k.public().to_string(),
            "encryption_secret": hex::encode(f.enc),
            "encryption_public": e.public().to_string(),
        })).collect::<Vec<_>>(),
        "charter": {
            "document": hex::encode(postcard::to_stdvec(&document)?),
            "bytes": hex::encode(document.bytes()),
            "hash": hex::encode(document.hash()),
            "version": 1,
            "threshold": 2,
        },
        "entries": [
            entry_vector("KSPI attests member as active (first entry)", &e1, &attestation),
            entry_vector("KSPI revokes the same member (second entry, prev = hash of first)", &e2, &revocation),
            entry_vector("MTUC commits to represent KSPI's member", &e3, &representation),
            entry_vector("NTUC-PHL entry with a body kind unknown to v1: stored and relayed", &e4, &unknown),
        ],
        "holder_commitment": {
            "issuer": "KSPI",
            "member": member.to_string(),
            "salt": hex::encode(salt),
            "holder_name": holder_name,
            "commitment": hex::encode(commitment.0),
        },
        "cards": {
            "now": now,
            "valid": [{
                "card": valid_card,
                "issuer": "KSPI",
                "member": member.to_string(),
                "holder_name": holder_name,
                "salt": hex::encode(salt),
                "issued_at": claims.issued_at.secs(),
                "expires_at": claims.expires_at.secs(),
                "representing": ["MTUC"],
            }],
            "invalid": [
                { "description": "signed with a key not in the charter", "card": wrong_key_card, "error": "bad_signature" },
                { "description": "issuer not in the charter", "card": unknown_issuer_card, "error": "unknown_signer" },
                { "description": "checked after expiry", "card": valid_card, "now": T0 + 400 * DAY, "error": "card_expired" },
                { "description": "wrong prefix", "card": format!("HC1:{}", &valid_card[4..]), "error": "card_prefix" },
                { "description": "not base45", "card": "UF1:abc~~", "error": "card_base45" },
                { "description": "zlib bomb: 1 MB of zeros", "card": zlib_bomb(), "error": "card_bomb" },
            ],
        },
        "handoff": {
            "description": "KSPI seals a member transfer to MTUC",
            "signed": hex::encode(postcard::to_stdvec(&handoff)?),
            "recipient": "MTUC",
            "plaintext": String::from_utf8_lossy(payload),
            "receipt": hex::encode(postcard::to_stdvec(&receipt)?),
        },
    }))
}

fn zlib_bomb() -> String {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1_000_000];
    // Writing to a Vec cannot fail.
    let _ = z.write_all(&zeros);
    let compressed = z.finish().unwrap_or_default();
    format!("UF1:{}", unionfed_protocol::base45::encode(&compressed))
}
