//! The case page's evidence: files (upload with image metadata removed,
//! download), the contract comparison (signed terms beside the work as it
//! is, harmful differences flagged), and the directory services a case may
//! be referred to. Case officers and admins change them; a viewer sees
//! neither the files nor the terms.

use super::i18n::Tr;
use super::staff::{message_page, Staff};
use super::Fields;
use crate::api::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use unionfed_core::cases::contract::{ContractTerms, NewContractEvidence};
use unionfed_core::cases::{Case, CaseId};
use unionfed_core::error::NodeError;

/// A file as the case page lists it.
pub(crate) struct FileRow {
    pub sha256: String,
    pub name: String,
    pub kind: String,
    pub size: String,
    pub added: String,
    pub cleaned: bool,
}

/// One term of the contract comparison.
pub(crate) struct TermRow {
    pub term: String,
    pub signed: String,
    pub experienced: String,
    pub harm: bool,
    pub explanation: String,
}

/// What the contract form shows: the recorded terms, or empty fields.
pub(crate) struct ContractView {
    /// (field, label, signed, experienced) for each input pair.
    pub inputs: Vec<(&'static str, String, String, String)>,
    pub differences: Vec<TermRow>,
    pub recorded: bool,
    pub substitution: bool,
    pub document: String,
}

const TERMS: [&str; 7] = [
    "employer",
    "position",
    "monthly_wage",
    "currency",
    "hours_per_week",
    "rest_days_per_month",
    "duration_months",
];

fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

pub(crate) fn files(c: &Case) -> Vec<FileRow> {
    c.attachments
        .iter()
        .map(|a| FileRow {
            sha256: a.sha256.clone(),
            name: a.name.clone(),
            kind: a.content_type.clone(),
            size: size_text(a.size),
            added: format!(
                "{} · {}",
                unionfed_core::cases::reports::day_string(a.added_at),
                a.added_by
            ),
            cleaned: a.metadata_removed,
        })
        .collect()
}

fn term_value(terms: &ContractTerms, field: &str) -> String {
    let n = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_default();
    match field {
        "employer" => terms.employer.clone().unwrap_or_default(),
        "position" => terms.position.clone().unwrap_or_default(),
        "monthly_wage" => n(terms.monthly_wage),
        "currency" => terms.currency.clone().unwrap_or_default(),
        "hours_per_week" => n(terms.hours_per_week.map(u64::from)),
        "rest_days_per_month" => n(terms.rest_days_per_month.map(u64::from)),
        "duration_months" => n(terms.duration_months.map(u64::from)),
        _ => String::new(),
    }
}

pub(crate) fn contract(t: Tr, c: &Case) -> ContractView {
    let empty = ContractTerms::default();
    let (signed, experienced) = c
        .contract
        .as_ref()
        .map_or((&empty, &empty), |x| (&x.signed, &x.experienced));
    ContractView {
        inputs: TERMS
            .iter()
            .map(|f| {
                (
                    *f,
                    t.get(&format!("contract-{f}")),
                    term_value(signed, f),
                    term_value(experienced, f),
                )
            })
            .collect(),
        differences: c
            .contract
            .iter()
            .flat_map(|x| &x.differences)
            .map(|d| TermRow {
                term: t.get(&format!("contract-{}", d.term)),
                signed: d.signed.clone(),
                experienced: d.experienced.clone(),
                harm: d.substitution,
                explanation: d.explanation.clone(),
            })
            .collect(),
        recorded: c.contract.is_some(),
        substitution: c.contract.as_ref().is_some_and(|x| x.substitution),
        document: c
            .contract
            .as_ref()
            .and_then(|x| x.document_sha256.clone())
            .unwrap_or_default(),
    }
}

/// For a viewer: whether a contract is recorded and substituted, without its terms.
pub(crate) fn contract_flags(c: &Case) -> ContractView {
    ContractView {
        inputs: Vec::new(),
        differences: Vec::new(),
        recorded: c.contract.is_some(),
        substitution: c.contract.as_ref().is_some_and(|x| x.substitution),
        document: String::new(),
    }
}

/// (value, label) of where a case may be referred: the other affiliates
/// (`a:MTUC`) and the directory's services in the case's two countries
/// (`s:<id>`).
pub(crate) fn referral_targets(state: &AppState, staff: &Staff, c: &Case) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = super::other_affiliates(state, staff.t)
        .into_iter()
        .map(|(code, label)| (format!("a:{code}"), label))
        .collect();
    let mut countries: Vec<_> = [c.destination_country, c.origin_country]
        .into_iter()
        .flatten()
        .collect();
    // A case within one country lists its services once.
    countries.dedup();
    for country in countries {
        for s in state
            .cases()
            .directory(&staff.who, Some(country), None)
            .unwrap_or_default()
        {
            let label = format!(
                "{} · {} ({})",
                staff.t.country(s.country.as_str()),
                s.name,
                unionfed_core::cases::code_of(&s.kind)
            );
            out.push((format!("s:{}", s.id), label));
        }
    }
    out
}

/// Reads the contract form: a number field that is not a whole number is
/// refused with its name.
pub(crate) fn contract_input(f: &Fields, actor: String) -> Result<NewContractEvidence, String> {
    let side = |prefix: &str| -> Result<ContractTerms, String> {
        let text = |name: &str| {
            Some(f.one(&format!("{prefix}_{name}")).trim().to_owned()).filter(|v| !v.is_empty())
        };
        let number = |name: &str| -> Result<Option<u64>, String> {
            text(name)
                .map(|v| {
                    v.replace([',', ' '], "")
                        .parse::<u64>()
                        .map_err(|_| format!("{prefix} {name}: {v:?} is not a whole number"))
                })
                .transpose()
        };
        let small = |name: &str| -> Result<Option<u32>, String> {
            number(name)?
                .map(|v| u32::try_from(v).map_err(|_| format!("{prefix} {name} is too large")))
                .transpose()
        };
        Ok(ContractTerms {
            employer: text("employer"),
            position: text("position"),
            monthly_wage: number("monthly_wage")?,
            currency: text("currency").map(|c| c.to_uppercase()),
            hours_per_week: small("hours_per_week")?,
            rest_days_per_month: small("rest_days_per_month")?,
            duration_months: small("duration_months")?,
        })
    };
    Ok(NewContractEvidence {
        signed: side("signed")?,
        experienced: side("experienced")?,
        document_sha256: Some(f.one("document")).filter(|d| !d.is_empty()),
        actor,
    })
}

/// A file of a case, for staff who may see personal data.
pub(crate) async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, sha256)): Path<(String, String)>,
) -> Response {
    let Ok(id) = id.parse::<CaseId>() else {
        // Refused like a well-formed id to those who may not read files.
        return staff
            .unless_may(
                &state,
                unionfed_core::access::Action::ReadCaseFile,
                "case file",
            )
            .unwrap_or_else(|| message_page(staff.t, StatusCode::NOT_FOUND, "error-heading"));
    };
    match state.cases().attachment(&staff.who, &id, &sha256) {
        Ok((meta, bytes)) => crate::api::cases::file_download(meta.content_type, &meta.name, bytes),
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "case-files-none")
        }
        Err(e) => staff.error_page(e),
    }
}

/// A file from the case page's upload form (`multipart/form-data` with the
/// CSRF token and one file).
pub(crate) async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Ok(id) = id.parse::<CaseId>() else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "cases-none");
    };
    if let Some(r) = staff.unless_may(
        &state,
        unionfed_core::access::Action::ChangeCase,
        &id.to_string(),
    ) {
        return r;
    }
    let refuse = |reason: String| {
        super::desk::case_page(
            &state,
            &staff,
            &id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(staff.input_error(&reason)),
        )
    };
    let Ok(mut multipart) = multipart else {
        return refuse(staff.t.get("case-file-missing"));
    };
    // The form's other fields (the CSRF token), and its one file.
    let mut fields = Vec::new();
    let mut file: Option<(String, String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(None) => break,
            Ok(Some(field)) => match field.name() {
                Some("file") => {
                    let name = field.file_name().unwrap_or("file").to_owned();
                    let kind = field
                        .content_type()
                        .unwrap_or("application/octet-stream")
                        .to_owned();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, kind, b.to_vec())),
                        Err(e) => return too_large(&staff, &state, &id, e.status()),
                    }
                }
                Some(name) => {
                    let name = name.to_owned();
                    fields.push((name, field.text().await.unwrap_or_default()));
                }
                None => {}
            },
            Err(e) => return too_large(&staff, &state, &id, e.status()),
        }
    }
    let fields = Fields::from_pairs(fields);
    if let Some(r) = staff.csrf_refusal(&fields) {
        return r;
    }
    let Some((name, kind, bytes)) = file.filter(|f| !f.2.is_empty()) else {
        return refuse(staff.t.get("case-file-missing"));
    };
    match state
        .cases()
        .attach(&staff.who, &id, &name, &kind, &bytes)
        .await
    {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(NodeError::Invalid(m)) => refuse(m),
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "cases-none")
        }
        Err(e) => staff.error_page(e),
    }
}

fn too_large(staff: &Staff, state: &AppState, id: &CaseId, status: StatusCode) -> Response {
    let key = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "case-file-too-large"
    } else {
        "case-file-missing"
    };
    super::desk::case_page(
        state,
        staff,
        id,
        status,
        Some(staff.input_error(&staff.t.get(key))),
    )
}
