//! The replicated log as the store keeps it: every author's entries and
//! head, and the indexes the node reads them by (the latest attestation of
//! each member, representations and their ends, evidence of equivocation).
//! Its types are the protocol's; it knows no area of the node.

use super::{decode, encode, Batch, Pending, Space, Store};
use crate::error::{NodeError, Result};
use serde::{Deserialize, Serialize};
use unionfed_protocol::entry::{extend_chain, Body, Head, RepresentationEndReason};
use unionfed_protocol::wire::AuthorHead;
use unionfed_protocol::{
    AffiliateId, Entry, Equivocation, MemberId, MembershipAttestation, Seq, SignedEntry, Timestamp,
};

const ENTRIES: Space = Space::postcard(b'e', "entry");
const HEADS: Space = Space::postcard(b'h', "head");
/// Values are the sequence number (u64) of the latest attestation.
const ATTESTATIONS: Space = Space::raw(b'a', "attestation index entry");
const REPRESENTATIONS: Space = Space::postcard(b'r', "representation");
const REPRESENTATION_ENDS: Space = Space::postcard(b'n', "representation end");
const EQUIVOCATIONS: Space = Space::postcard(b'q', "equivocation").counted();
/// By issuer + member: the latest erasure of the member by its issuer.
const ERASURES: Space = Space::postcard(b'E', "member erasure");

/// A member's erasure as the index keeps it: the entry that said so and the
/// attestation it followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erasure {
    /// The erasure entry's seq in the issuer's log.
    pub seq: u64,
    /// The seq of the attestation that revoked the membership.
    pub revoked_at: u64,
}

/// The latest representation end for `(member, representing)`, by the
/// entry that said so. Entries of different authors arrive in any order, so
/// an end may come before the commitment it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct EndNotice {
    home: AffiliateId,
    ended: Timestamp,
    reason: RepresentationEndReason,
    author: AffiliateId,
    seq: u64,
}

impl EndNotice {
    fn apply_to(&self, state: &mut Representation) -> bool {
        state.apply_end(&self.author, &self.home, self.ended, self.reason)
    }
}

/// What happened to an entry offered to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Stored; it extended the author's log.
    Stored,
    /// Already held, byte for byte.
    Duplicate,
    /// The author's log here ends at `have`; the entry is further on.
    Gap { have: u64 },
    /// A different entry is held at this position: both kept as evidence.
    Equivocation,
}

/// A representation commitment as the index keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Representation {
    pub member: MemberId,
    pub home: AffiliateId,
    pub representing: AffiliateId,
    pub from: Timestamp,
    pub until: Option<Timestamp>,
    pub ended: Option<(Timestamp, RepresentationEndReason)>,
    pub seq: u64,
}

impl Representation {
    /// Ends this representation if an end entry by `author` about `home`,
    /// dated `ended`, applies to it: one of the two parties said so, about
    /// the same home affiliate, and not before the commitment began. The
    /// same rule holds for a node's store and for an offline verifier.
    pub fn apply_end(
        &mut self,
        author: &AffiliateId,
        home: &AffiliateId,
        ended: Timestamp,
        reason: RepresentationEndReason,
    ) -> bool {
        let applies = (author == &self.representing || author == &self.home)
            && home == &self.home
            && ended >= self.from
            && self.ended.is_none();
        if applies {
            self.ended = Some((ended, reason));
        }
        applies
    }

    pub fn in_force_at(&self, at: Timestamp) -> bool {
        self.from <= at
            && self.until.is_none_or(|u| at < u)
            && self.ended.is_none_or(|(ended, _)| at < ended)
    }
}

fn push_author(key: &mut Vec<u8>, author: &AffiliateId) {
    // Affiliate codes are at most 12 bytes.
    key.push(author.as_str().len() as u8);
    key.extend_from_slice(author.as_str().as_bytes());
}

fn author_key(space: Space, author: &AffiliateId) -> Vec<u8> {
    let mut key = Vec::with_capacity(2 + author.as_str().len() + 8 + 32);
    key.push(space.prefix);
    push_author(&mut key, author);
    key
}

fn entry_key(author: &AffiliateId, seq: u64) -> Vec<u8> {
    let mut key = author_key(ENTRIES, author);
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

fn attestation_key(issuer: &AffiliateId, member: &MemberId) -> Vec<u8> {
    let mut key = author_key(ATTESTATIONS, issuer);
    key.extend_from_slice(member.as_bytes());
    key
}

fn erasure_key(issuer: &AffiliateId, member: &MemberId) -> Vec<u8> {
    let mut key = author_key(ERASURES, issuer);
    key.extend_from_slice(member.as_bytes());
    key
}

fn representation_key(space: Space, member: &MemberId, representing: &AffiliateId) -> Vec<u8> {
    let mut key = vec![space.prefix];
    key.extend_from_slice(member.as_bytes());
    push_author(&mut key, representing);
    key
}

fn read_seq(bytes: &[u8]) -> Result<u64> {
    bytes
        .try_into()
        .map(u64::from_be_bytes)
        .map_err(|_| NodeError::Storage("a stored sequence number is unreadable".into()))
}

impl Store {
    pub fn head(&self, author: &AffiliateId) -> Result<Option<Head>> {
        self.data
            .get(author_key(HEADS, author))?
            .map(|v| decode(HEADS.name, &v))
            .transpose()
    }

    pub fn heads(&self) -> Result<Vec<AuthorHead>> {
        self.data
            .scan_prefix([HEADS.prefix])
            .map(|item| {
                let (key, value) = item?;
                let author = std::str::from_utf8(key.get(2..).unwrap_or_default())
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| NodeError::Storage("a head key is unreadable".into()))?;
                let head: Head = decode(HEADS.name, &value)?;
                Ok(AuthorHead {
                    author,
                    seq: head.seq,
                    hash: head.hash,
                })
            })
            .collect()
    }

    pub fn entry(&self, author: &AffiliateId, seq: Seq) -> Result<Option<SignedEntry>> {
        self.data
            .get(entry_key(author, seq.get()))?
            .map(|v| decode(ENTRIES.name, &v))
            .transpose()
    }

    /// Up to `limit` contiguous entries of `author` from `from`, stopping
    /// early before `max_bytes`; `true` when more follow.
    pub fn range(
        &self,
        author: &AffiliateId,
        from: Seq,
        limit: usize,
        max_bytes: usize,
    ) -> Result<(Vec<SignedEntry>, bool)> {
        let head = self.head(author)?.map_or(0, |h| h.seq.get());
        let mut out = Vec::new();
        let mut bytes = 0;
        let end = entry_key(author, head.saturating_add(1));
        for item in self.data.range(entry_key(author, from.get())..end) {
            let (_, value) = item?;
            if out.len() == limit || bytes + value.len() + 16 > max_bytes {
                return Ok((out, true));
            }
            bytes += value.len() + 16;
            out.push(decode(ENTRIES.name, &value)?);
        }
        Ok((out, false))
    }

    /// Offers verified entries (in order) to the store in one atomic batch.
    /// `entries` must already have passed signature verification.
    pub fn apply(&self, entries: &[(SignedEntry, Entry)]) -> Result<Vec<Applied>> {
        self.apply_with(entries, Batch::default())
    }

    /// Like [`Store::apply`], and applies `batch` in the same sled batch:
    /// used when this node appends its own entry together with what it
    /// means locally (the member it enrols, the transfer it accepts, the
    /// handoff that says so).
    pub fn apply_with(
        &self,
        entries: &[(SignedEntry, Entry)],
        batch: Batch,
    ) -> Result<Vec<Applied>> {
        let _writer = self.writer()?;
        let mut pending = Pending::new(&self.data);
        let outcomes = entries
            .iter()
            .map(|(signed, entry)| apply_one(&mut pending, signed, entry))
            .collect::<Result<Vec<_>>>()?;
        pending.add(batch)?;
        self.commit(pending)?;
        Ok(outcomes)
    }

    /// The latest attestation by `issuer` about `member`, with its sequence number.
    pub fn latest_attestation(
        &self,
        issuer: &AffiliateId,
        member: &MemberId,
    ) -> Result<Option<(u64, MembershipAttestation)>> {
        let Some(seq) = self.data.get(attestation_key(issuer, member))? else {
            return Ok(None);
        };
        let seq = read_seq(&seq)?;
        let Some(bytes) = self.data.get(entry_key(issuer, seq))? else {
            return Ok(None);
        };
        let signed: SignedEntry = decode(ENTRIES.name, &bytes)?;
        // Stored entries were verified before they were stored.
        match signed.decode_unverified()?.body {
            Body::Attestation(att) => Ok(Some((seq, att))),
            _ => Err(NodeError::Storage(
                "attestation index points at another kind of entry".into(),
            )),
        }
    }

    /// The issuer's latest erasure of `member`, if it erased them.
    pub fn erasure(&self, issuer: &AffiliateId, member: &MemberId) -> Result<Option<Erasure>> {
        self.get(ERASURES, &erasure_key(issuer, member)[1..])
    }

    /// Indexes the erasures among the entries already held: a release
    /// before this one kept them as entries of an unknown kind. Runs once.
    pub fn index_erasures(&self) -> Result<()> {
        self.once("index member erasures", |store| {
            let mut batch = Batch::default();
            for item in store.data.scan_prefix([ENTRIES.prefix]) {
                let (_, bytes) = item?;
                let signed: SignedEntry = decode(ENTRIES.name, &bytes)?;
                let entry = signed.decode_unverified()?;
                if let Body::MemberErasure(e) = &entry.body {
                    let key = erasure_key(&entry.author, &e.member);
                    batch.put(
                        ERASURES,
                        &key[1..],
                        &Erasure {
                            seq: entry.seq.get(),
                            revoked_at: e.revoked_at.get(),
                        },
                    )?;
                }
            }
            if !batch.is_empty() {
                store.write(batch)?;
            }
            Ok(())
        })
    }

    /// Every representation of `member` the log knows, in force or not.
    pub fn representations(&self, member: &MemberId) -> Result<Vec<Representation>> {
        self.scan(REPRESENTATIONS, member.as_bytes())
    }

    /// The entries an offline verifier needs: every latest attestation and
    /// every representation entry, still signed by their authors.
    pub fn snapshot_entries(&self) -> Result<Vec<SignedEntry>> {
        let mut out = Vec::new();
        for item in self.data.scan_prefix([ATTESTATIONS.prefix]) {
            let (key, seq) = item?;
            let len = usize::from(*key.get(1).unwrap_or(&0));
            let mut ek = vec![ENTRIES.prefix];
            ek.extend_from_slice(key.get(1..2 + len).unwrap_or_default());
            ek.extend_from_slice(&seq);
            if let Some(v) = self.data.get(ek)? {
                out.push(decode(ENTRIES.name, &v)?);
            }
        }
        for rep in self.scan::<Representation>(REPRESENTATIONS, &[])? {
            if let Some(e) = self.entry(&rep.representing, Seq::new(rep.seq)?)? {
                out.push(e);
            }
        }
        for item in self.iter::<Erasure>(ERASURES, &[]) {
            let (key, erasure) = item?;
            let len = usize::from(*key.first().unwrap_or(&0));
            if let Ok(author) = std::str::from_utf8(key.get(1..1 + len).unwrap_or_default())
                .unwrap_or_default()
                .parse::<AffiliateId>()
            {
                if let Some(e) = self.entry(&author, Seq::new(erasure.seq)?)? {
                    out.push(e);
                }
            }
        }
        for end in self.scan::<EndNotice>(REPRESENTATION_ENDS, &[])? {
            if let Some(e) = self.entry(&end.author, Seq::new(end.seq)?)? {
                out.push(e);
            }
        }
        Ok(out)
    }

    pub fn equivocations(&self) -> Result<Vec<Equivocation>> {
        self.scan(EQUIVOCATIONS, &[])
    }

    pub fn equivocation_count(&self) -> usize {
        self.count(EQUIVOCATIONS)
    }
}

fn apply_one(pending: &mut Pending<'_>, signed: &SignedEntry, entry: &Entry) -> Result<Applied> {
    let author = &entry.author;
    let head_key = author_key(HEADS, author);
    let head: Option<Head> = pending
        .get(&head_key)?
        .map(|v| decode(HEADS.name, &v))
        .transpose()?;
    if let Some(h) = head.filter(|h| entry.seq <= h.seq) {
        let key = entry_key(author, entry.seq.get());
        let held: SignedEntry = match pending.get(&key)? {
            Some(v) => decode(ENTRIES.name, &v)?,
            None => {
                return Err(NodeError::Storage(format!(
                    "{author}#{} is missing below head #{}",
                    entry.seq, h.seq
                )))
            }
        };
        if held.bytes() == signed.bytes() {
            return Ok(Applied::Duplicate);
        }
        let mut key = author_key(EQUIVOCATIONS, author);
        key.extend_from_slice(&entry.seq.get().to_be_bytes());
        key.extend_from_slice(&signed.hash().0);
        if pending.get(&key)?.is_some() {
            return Ok(Applied::Duplicate);
        }
        let evidence = Equivocation {
            first: held,
            second: signed.clone(),
        };
        pending.insert(EQUIVOCATIONS, key, encode(&evidence)?)?;
        return Ok(Applied::Equivocation);
    }
    let have = head.map_or(0, |h| h.seq.get());
    if entry.seq.get() > have + 1 {
        return Ok(Applied::Gap { have });
    }
    let new_head = extend_chain(head.as_ref(), entry, signed.hash())?;
    pending.insert(ENTRIES, entry_key(author, entry.seq.get()), encode(signed)?)?;
    pending.insert(HEADS, head_key, encode(&new_head)?)?;
    match &entry.body {
        Body::Attestation(att) => {
            pending.insert(
                ATTESTATIONS,
                attestation_key(author, &att.member),
                entry.seq.get().to_be_bytes().to_vec(),
            )?;
        }
        Body::Representation(rep) => {
            let mut state = Representation {
                member: rep.member,
                home: rep.home.clone(),
                representing: author.clone(),
                from: rep.from,
                until: rep.until,
                ended: None,
                seq: entry.seq.get(),
            };
            let end_key = representation_key(REPRESENTATION_ENDS, &rep.member, author);
            if let Some(v) = pending.get(&end_key)? {
                let end: EndNotice = decode(REPRESENTATION_ENDS.name, &v)?;
                end.apply_to(&mut state);
            }
            pending.insert(
                REPRESENTATIONS,
                representation_key(REPRESENTATIONS, &rep.member, author),
                encode(&state)?,
            )?;
        }
        Body::RepresentationEnd(end) => {
            // Only the two parties to a representation can end it.
            if author != &end.representing && author != &end.home {
                return Ok(Applied::Stored);
            }
            let notice = EndNotice {
                home: end.home.clone(),
                ended: end.ended,
                reason: end.reason,
                author: author.clone(),
                seq: entry.seq.get(),
            };
            let key = representation_key(REPRESENTATIONS, &end.member, &end.representing);
            let end_key = representation_key(REPRESENTATION_ENDS, &end.member, &end.representing);
            let newer = match pending.get(&end_key)? {
                Some(v) => decode::<EndNotice>(REPRESENTATION_ENDS.name, &v)?.ended <= end.ended,
                None => true,
            };
            if newer {
                pending.insert(REPRESENTATION_ENDS, end_key, encode(&notice)?)?;
            }
            if let Some(v) = pending.get(&key)? {
                let mut state: Representation = decode(REPRESENTATIONS.name, &v)?;
                if notice.apply_to(&mut state) {
                    pending.insert(REPRESENTATIONS, key, encode(&state)?)?;
                }
            }
        }
        Body::MemberErasure(e) => {
            pending.insert(
                ERASURES,
                erasure_key(author, &e.member),
                encode(&Erasure {
                    seq: entry.seq.get(),
                    revoked_at: e.revoked_at.get(),
                })?,
            )?;
        }
        Body::CharterSignature(_) | Body::Unknown { .. } => {}
    }
    Ok(Applied::Stored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unionfed_protocol::entry::RepresentationCommitment;
    use unionfed_protocol::{AffiliateSigningKey, Seq};

    fn entry(
        key: &AffiliateSigningKey,
        seq: u64,
        prev: Option<&SignedEntry>,
        tag: u8,
    ) -> (SignedEntry, Entry) {
        let e = Entry {
            author: "KSPI".parse().unwrap(),
            seq: Seq::new(seq).unwrap(),
            prev: prev.map(|p| p.hash()),
            time: Timestamp(1_790_000_000 + seq),
            body: Body::Unknown {
                kind: 900,
                payload: vec![tag],
            },
        };
        (SignedEntry::sign(&e, key).unwrap(), e)
    }

    fn first_entry(author: &str, body: Body) -> (SignedEntry, Entry) {
        let e = Entry {
            author: author.parse().unwrap(),
            seq: Seq::FIRST,
            prev: None,
            time: Timestamp(1_790_000_100),
            body,
        };
        (
            SignedEntry::sign(&e, &AffiliateSigningKey::generate()).unwrap(),
            e,
        )
    }

    #[test]
    fn an_end_that_arrives_before_its_commitment_still_ends_it() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let member = MemberId::random();
        let (kspi, mtuc): (AffiliateId, AffiliateId) =
            ("KSPI".parse().unwrap(), "MTUC".parse().unwrap());
        let end = |author: &str, ended: u64| {
            first_entry(
                author,
                Body::RepresentationEnd(unionfed_protocol::entry::RepresentationEnd {
                    member,
                    home: kspi.clone(),
                    representing: mtuc.clone(),
                    ended: Timestamp(ended),
                    reason: RepresentationEndReason::ReturnedHome,
                }),
            )
        };
        // A stranger's end is not an end; the home affiliate's is, even first.
        store.apply(&[end("NTUC", 1_790_000_200)]).unwrap();
        store.apply(&[end("KSPI", 1_790_000_200)]).unwrap();
        let commitment = first_entry(
            "MTUC",
            Body::Representation(RepresentationCommitment {
                member,
                home: kspi.clone(),
                from: Timestamp(1_790_000_100),
                until: None,
            }),
        );
        store.apply(&[commitment]).unwrap();
        let reps = store.representations(&member).unwrap();
        assert_eq!(reps.len(), 1);
        assert_eq!(
            reps[0].ended,
            Some((
                Timestamp(1_790_000_200),
                RepresentationEndReason::ReturnedHome
            ))
        );
        assert!(!reps[0].in_force_at(Timestamp(1_790_000_300)));
        // The snapshot carries the end, so an offline verifier knows it too.
        let authors: Vec<String> = store
            .snapshot_entries()
            .unwrap()
            .iter()
            .map(|e| e.signer().to_string())
            .collect();
        assert!(authors.contains(&"KSPI".to_owned()), "{authors:?}");

        // An end dated before a later commitment began does not end that one.
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.apply(&[end("KSPI", 1_790_000_000)]).unwrap();
        let later = first_entry(
            "MTUC",
            Body::Representation(RepresentationCommitment {
                member,
                home: kspi,
                from: Timestamp(1_790_000_100),
                until: None,
            }),
        );
        store.apply(&[later]).unwrap();
        assert_eq!(store.representations(&member).unwrap()[0].ended, None);
    }

    #[tokio::test]
    async fn entries_are_stored_in_order_and_conflicts_kept_as_evidence() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let key = AffiliateSigningKey::generate();
        let e1 = entry(&key, 1, None, 0);
        let e2 = entry(&key, 2, Some(&e1.0), 0);
        let e3 = entry(&key, 3, Some(&e2.0), 0);
        assert_eq!(
            store.apply(std::slice::from_ref(&e1)).unwrap(),
            vec![Applied::Stored]
        );
        assert_eq!(
            store.apply(std::slice::from_ref(&e3)).unwrap(),
            vec![Applied::Gap { have: 1 }]
        );
        assert_eq!(
            store.apply(&[e2.clone(), e3.clone(), e1.clone()]).unwrap(),
            vec![Applied::Stored, Applied::Stored, Applied::Duplicate]
        );
        let other = entry(&key, 2, Some(&e1.0), 1);
        assert_eq!(store.apply(&[other]).unwrap(), vec![Applied::Equivocation]);
        assert_eq!(store.equivocation_count(), 1);
        let (page, more) = store
            .range(&"KSPI".parse().unwrap(), Seq::new(2).unwrap(), 1, 1 << 20)
            .unwrap();
        assert_eq!((page.len(), more), (1, true));
        assert_eq!(page[0], e2.0);
        store.flush().await.unwrap();
    }

    #[tokio::test]
    async fn a_broken_chain_is_refused_and_nothing_of_the_batch_is_written() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let key = AffiliateSigningKey::generate();
        let e1 = entry(&key, 1, None, 0);
        let stray = entry(&key, 1, None, 7);
        let wrong_prev = entry(&key, 2, Some(&stray.0), 0);
        assert!(store.apply(&[e1.clone(), wrong_prev]).is_err());
        assert!(
            store.head(&"KSPI".parse().unwrap()).unwrap().is_none(),
            "the batch was not atomic"
        );
    }

    #[tokio::test]
    async fn an_erasure_is_indexed_when_it_arrives_and_once_in_a_store_of_the_release_before() {
        let dir = tempfile::TempDir::new().unwrap();
        let key = AffiliateSigningKey::generate();
        let member = MemberId::from_bytes([3; 16]);
        let kspi: AffiliateId = "KSPI".parse().unwrap();
        let e1 = entry(&key, 1, None, 0);
        let body = Body::MemberErasure(unionfed_protocol::entry::MemberErasure {
            member,
            revoked_at: Seq::FIRST,
        });
        let e = Entry {
            author: kspi.clone(),
            seq: Seq::new(2).unwrap(),
            prev: Some(e1.0.hash()),
            time: Timestamp(1_790_000_002),
            body,
        };
        let e2 = (SignedEntry::sign(&e, &key).unwrap(), e);
        let want = Erasure {
            seq: 2,
            revoked_at: 1,
        };
        {
            let store = Store::open(dir.path()).unwrap();
            store.apply(&[e1, e2.clone()]).unwrap();
            assert_eq!(store.erasure(&kspi, &member).unwrap(), Some(want));
            assert!(store.snapshot_entries().unwrap().contains(&e2.0));
            // What the release before left: the entry, kept as an unknown
            // kind, and no index of it.
            store
                .remove(ERASURES, &erasure_key(&kspi, &member)[1..])
                .unwrap();
            store.flush().await.unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.erasure(&kspi, &member).unwrap(), None);
        store.index_erasures().unwrap();
        assert_eq!(store.erasure(&kspi, &member).unwrap(), Some(want));
    }

    #[tokio::test]
    async fn a_store_reopens_with_what_it_held() {
        let dir = tempfile::TempDir::new().unwrap();
        let key = AffiliateSigningKey::generate();
        let e1 = entry(&key, 1, None, 0);
        {
            let store = Store::open(dir.path()).unwrap();
            store.apply(std::slice::from_ref(&e1)).unwrap();
            store.flush().await.unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(
            store.entry(&"KSPI".parse().unwrap(), Seq::FIRST).unwrap(),
            Some(e1.0)
        );
    }
}
