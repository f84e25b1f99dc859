//! A small federation of affiliates with deterministic keys.

use unionfed_protocol::charter::AffiliateStatus;
use unionfed_protocol::entry::{
    Body, Entry, HolderCommitment, MemberStatus, MembershipAttestation,
};
use unionfed_protocol::{
    AffiliateId, AffiliateSigningKey, Charter, CharterAffiliate, CharterDocument,
    EncryptionSecretKey, KeyPeriod, MemberId, Seq, SignedEntry, Timestamp,
};

pub(crate) const T0: Timestamp = Timestamp(1_790_000_000);

pub(crate) struct Member {
    pub(crate) id: AffiliateId,
    pub(crate) key: AffiliateSigningKey,
    pub(crate) enc: EncryptionSecretKey,
}

pub(crate) fn affiliate(code: &str, n: u8) -> Member {
    Member {
        id: code.parse().unwrap(),
        key: AffiliateSigningKey::from_seed(&[n; 32]),
        enc: EncryptionSecretKey::from_bytes([n.wrapping_add(100); 32]),
    }
}

pub(crate) struct Federation {
    pub(crate) members: Vec<Member>,
    pub(crate) charter: Charter,
    pub(crate) document: CharterDocument,
}

impl Federation {
    /// KSPI, MTUC, NTUC-PHL (and more when `n` > 3), threshold 2, genesis signed by all.
    pub(crate) fn new(n: usize) -> Federation {
        let codes = ["KSPI", "MTUC", "NTUC-PHL", "KSBSI", "CLC"];
        let members: Vec<Member> = codes[..n]
            .iter()
            .enumerate()
            .map(|(i, c)| affiliate(c, i as u8 + 1))
            .collect();
        let charter = charter_of(&members, 1, None, 2);
        let mut document = CharterDocument::draft(&charter).unwrap();
        for m in &members {
            document.sign(&m.id, &m.key);
        }
        let charter = document.verify_genesis().unwrap();
        Federation {
            members,
            charter,
            document,
        }
    }

    pub(crate) fn get(&self, code: &str) -> &Member {
        self.members.iter().find(|m| m.id.as_str() == code).unwrap()
    }
}

pub(crate) fn charter_of(
    members: &[Member],
    version: u32,
    previous: Option<[u8; 32]>,
    threshold: u16,
) -> Charter {
    let countries = ["ID", "MY", "PH", "ID", "KH"];
    Charter {
        federation: "Test Federation".into(),
        version,
        previous,
        threshold,
        issued_at: Timestamp(T0.0 + u64::from(version)),
        affiliates: members
            .iter()
            .enumerate()
            .map(|(i, m)| CharterAffiliate {
                id: m.id.clone(),
                name: format!("Union {}", m.id),
                country: countries[i % countries.len()].parse().unwrap(),
                status: AffiliateStatus::Active,
                signing_keys: vec![KeyPeriod {
                    key: m.key.public(),
                    valid_from: Timestamp(0),
                    valid_until: None,
                }],
                encryption_key: m.enc.public(),
                nodes: vec![],
            })
            .collect(),
    }
}

pub(crate) fn attestation(member: MemberId, status: MemberStatus) -> Body {
    Body::Attestation(MembershipAttestation {
        member,
        status,
        member_since: T0,
        valid_until: Timestamp(T0.0 + 365 * 86_400),
        holder_commitment: HolderCommitment([7; 32]),
    })
}

/// A valid chain of `n` attestation entries by `m`.
pub(crate) fn chain(m: &Member, n: u64) -> Vec<SignedEntry> {
    let mut out: Vec<SignedEntry> = Vec::new();
    for i in 1..=n {
        let entry = Entry {
            author: m.id.clone(),
            seq: Seq::new(i).unwrap(),
            prev: out.last().map(|e| e.hash()),
            time: Timestamp(T0.0 + i),
            body: attestation(MemberId::from_bytes([i as u8; 16]), MemberStatus::Active),
        };
        out.push(SignedEntry::sign(&entry, &m.key).unwrap());
    }
    out
}
