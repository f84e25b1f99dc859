//! The public side of the case desk: a worker files a complaint, named or
//! anonymous, and follows it with the receipt code. Nothing here keeps an
//! address, a browser name or a precise time: public events are dated to
//! the day.

use super::receipt::{self, ReceiptLock};
use super::taxonomy::{Category, RiskFlag};
use super::CaseDesk;
use super::{
    check_required, Case, CaseEvent, CaseKind, CaseStatus, Channel, EventKind, NewCase, Outcome,
    MAX_NOTE,
};
use crate::access::{Action, Principal};
use crate::error::{NodeError, Result};
use crate::node::{day_of, now};
use serde::{Deserialize, Serialize};
use unionfed_protocol::{CountryCode, Timestamp};
use utoipa::ToSchema;

/// A complaint or inquiry from the public form.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicComplaint {
    pub kind: CaseKind,
    pub categories: Vec<Category>,
    #[serde(default)]
    pub risk_flags: Vec<RiskFlag>,
    #[schema(value_type = Option<String>)]
    pub origin_country: Option<CountryCode>,
    #[schema(value_type = Option<String>)]
    pub destination_country: Option<CountryCode>,
    pub sector: Option<String>,
    pub employer: Option<String>,
    pub recruitment_agency: Option<String>,
    /// Leave out to stay anonymous.
    pub name: Option<String>,
    /// How the union may reach the worker; leave out to be reached only
    /// through messages read with the receipt code.
    pub contact: Option<String>,
    pub description: String,
    /// A word only the worker knows, asked for together with the code.
    pub passphrase: Option<String>,
}

/// What the worker gets back: keep the code, it is shown only once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FiledComplaint {
    pub reference: String,
    /// 16 digits in groups of four. Only a hash of it is kept: a lost code
    /// cannot be recovered.
    pub receipt_code: String,
    pub message: String,
}

/// A receipt code (and passphrase) to look a case up.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptQuery {
    pub receipt_code: String,
    pub passphrase: Option<String>,
}

/// A message from the worker.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerMessage {
    pub receipt_code: String,
    pub passphrase: Option<String>,
    pub text: String,
}

/// One message in the exchange between worker and case officer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicMessage {
    /// `worker` or `union`.
    pub from: &'static str,
    pub text: String,
    /// The day, as seconds since 1970 at midnight UTC.
    #[schema(value_type = u64)]
    pub day: Timestamp,
}

/// What a worker sees of their case: its state and the messages, never the
/// officers' notes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicCaseView {
    pub reference: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub outcome: Option<Outcome>,
    /// The day of the last change.
    #[schema(value_type = u64)]
    pub updated_day: Timestamp,
    /// For a case handed to the union across the border: where it stands there.
    pub handled_by: Option<super::referrals::HandledElsewhere>,
    pub messages: Vec<PublicMessage>,
}

impl Case {
    pub fn public_view(&self) -> PublicCaseView {
        let messages = self
            .events
            .iter()
            .filter_map(|e| {
                let from = match e.kind {
                    EventKind::MessageToWorker => "union",
                    EventKind::MessageFromWorker => "worker",
                    _ => return None,
                };
                Some(PublicMessage {
                    from,
                    text: e.note.clone().unwrap_or_default(),
                    day: day_of(e.at),
                })
            })
            .collect();
        PublicCaseView {
            reference: self.reference.clone(),
            kind: self.kind,
            status: self.status,
            outcome: self.outcome,
            updated_day: day_of(self.updated_at),
            handled_by: self.handled_elsewhere.clone(),
            messages,
        }
    }
}

impl CaseDesk<'_> {
    /// Files a complaint from the public form; returns the case and the
    /// receipt code, which is not kept.
    pub async fn file_complaint(
        self,
        who: &Principal,
        input: PublicComplaint,
    ) -> Result<(Case, String)> {
        let work = self.file_complaint_unchecked(input);
        self.guarded(
            who,
            Action::FileComplaint,
            "public form",
            "file_complaint",
            work,
        )
        .await
    }

    async fn file_complaint_unchecked(self, input: PublicComplaint) -> Result<(Case, String)> {
        receipt::check_passphrase(input.passphrase.as_deref())?;
        let code = receipt::new_code();
        let lock = hash_off_thread(code.clone(), input.passphrase.clone()).await?;
        let case = NewCase {
            kind: input.kind,
            categories: input.categories,
            risk_flags: input.risk_flags,
            origin_country: input.origin_country,
            destination_country: input.destination_country,
            sector: input.sector,
            employer: input.employer,
            recruitment_agency: input.recruitment_agency,
            member: None,
            worker_name: input.name.filter(|n| !n.trim().is_empty()),
            worker_contact: input.contact.filter(|c| !c.trim().is_empty()),
            description: input.description,
        };
        let case = self
            .open_case(
                case,
                Channel::PublicForm,
                "public form",
                day_of(now()),
                Some(lock),
            )
            .await?;
        Ok((case, receipt::display(&code)))
    }

    /// What the worker holding a receipt code (and passphrase) sees of
    /// their case.
    pub async fn follow_case(
        self,
        who: &Principal,
        query: &ReceiptQuery,
    ) -> Result<PublicCaseView> {
        let work = async { Ok(self.case_by_receipt(query).await?.public_view()) };
        self.guarded(who, Action::FollowCase, "receipt", "follow_case", work)
            .await
    }

    /// The case a receipt code (and passphrase) opens.
    pub(crate) async fn case_by_receipt(self, query: &ReceiptQuery) -> Result<Case> {
        receipt::check_passphrase(query.passphrase.as_deref())?;
        let code = receipt::normalise(&query.receipt_code)?;
        let candidates =
            super::store::cases_by_locator(&self.store, &code[..receipt::LOCATOR_DIGITS])?;
        for (case, lock) in candidates {
            if verify_off_thread(lock, code.clone(), query.passphrase.clone()).await? {
                return Ok(case);
            }
        }
        self.metrics.receipt_failures.inc();
        Err(NodeError::NoReceiptMatch)
    }

    /// A message from the worker to the case officer.
    pub async fn message_from_worker(
        self,
        who: &Principal,
        input: WorkerMessage,
    ) -> Result<PublicCaseView> {
        let work = async {
            Ok(self
                .message_from_worker_unchecked(input)
                .await?
                .public_view())
        };
        self.guarded(
            who,
            Action::FollowCase,
            "receipt",
            "message_from_worker",
            work,
        )
        .await
    }

    async fn message_from_worker_unchecked(self, input: WorkerMessage) -> Result<Case> {
        check_required("text", &input.text, MAX_NOTE)?;
        let query = ReceiptQuery {
            receipt_code: input.receipt_code,
            passphrase: input.passphrase,
        };
        let before = self.case_by_receipt(&query).await?;
        let mut case = before.clone();
        case.push(CaseEvent {
            at: day_of(now()),
            actor: "worker".into(),
            kind: EventKind::MessageFromWorker,
            note: Some(input.text),
        })?;
        self.save_case(&before, &case).await?;
        Ok(case)
    }
}

async fn hash_off_thread(code: String, passphrase: Option<String>) -> Result<ReceiptLock> {
    tokio::task::spawn_blocking(move || receipt::lock(&code, passphrase.as_deref()))
        .await
        .map_err(|e| NodeError::Storage(format!("hashing task failed: {e}")))?
}

async fn verify_off_thread(
    lock: ReceiptLock,
    code: String,
    passphrase: Option<String>,
) -> Result<bool> {
    tokio::task::spawn_blocking(move || receipt::opens(&lock, &code, passphrase.as_deref()))
        .await
        .map_err(|e| NodeError::Storage(format!("verifying task failed: {e}")))
}
