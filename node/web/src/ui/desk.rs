//! The staff pages for transfers waiting for a decision and for the case
//! desk: the queue (risk first), and a case page with its timeline and the
//! forms to move it, record an action and write to the worker. Case
//! officers and admins act on cases; organisers and admins decide
//! transfers; a viewer sees neither names nor narratives.

use super::i18n::Tr;
use super::page;
use super::staff::{message_page, Me, Staff, StaffForm};
use crate::api::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use unionfed_core::access::Action;
use unionfed_core::cases::referrals::{NewCaseConsent, NewReferral, ReferralDecision};
use unionfed_core::cases::reports::day_string;
use unionfed_core::cases::{code_of as code, from_code};
use unionfed_core::cases::{
    ActionKind, Assignment, Case, CaseId, CaseQuery, CaseStatus, NewAction, Outcome, Priority,
    Rejection, StaffMessage, Transition,
};
use unionfed_core::error::NodeError;
use unionfed_core::transfers::ConsentGiven;
use unionfed_core::transfers::{Direction, NewTransferRequest};

fn priority_text(t: Tr, p: Priority) -> String {
    t.get(match p {
        Priority::Urgent => "dash-urgent",
        Priority::High => "dash-high",
        Priority::Normal => "dash-normal",
    })
}

fn categories_text(t: Tr, c: &Case) -> String {
    c.categories
        .iter()
        .map(|x| t.get(&format!("cat-{}", code(x))))
        .collect::<Vec<_>>()
        .join(", ")
}

fn risks_text(c: &Case) -> String {
    c.risk_flags.iter().map(code).collect::<Vec<_>>().join(", ")
}

fn status_text(t: Tr, s: CaseStatus) -> String {
    t.get(&format!("case-status-{}", s.as_str()))
}

// --- transfers --------------------------------------------------------------------

struct TransferRow {
    id: String,
    name: String,
    from: String,
    since: String,
    fields: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "s_transfers.html")]
struct TransfersPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    csrf: String,
    error: Option<String>,
    rows: Vec<TransferRow>,
    /// Requests from other unions for a file this union holds.
    requests: Vec<RequestRow>,
    /// What this union sent or asked for, newest first.
    outgoing: Vec<OutgoingRow>,
    may_decide: bool,
    /// (code, label) of the other affiliates, for a request for a file.
    affiliates: Vec<(String, String)>,
    given: Vec<(String, String)>,
    data: Vec<(String, String)>,
    /// What the request form starts with: from the staff card check, or as
    /// entered when it was refused.
    ask: AskFor,
}

/// The member id and home union a request for a file names.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AskFor {
    #[serde(default)]
    member: String,
    #[serde(default)]
    origin: String,
}

struct RequestRow {
    id: String,
    member: String,
    from: String,
    purposes: String,
    data: String,
}

struct OutgoingRow {
    day: String,
    what: String,
    member: String,
    /// The full id, when this node keeps the member's record: a link to it.
    link: Option<String>,
    other: String,
    state: String,
}

fn transfer_state_text(t: Tr, s: &unionfed_core::transfers::TransferStatus) -> String {
    let name = t.get(&format!("transfer-state-{}", s.name()));
    match s {
        unionfed_core::transfers::TransferStatus::Declined { reason } => {
            format!("{name}: {reason}")
        }
        unionfed_core::transfers::TransferStatus::Ended { reason } => {
            format!("{name}: {}", t.get(&format!("end-{}", code(reason))))
        }
        _ => name,
    }
}

fn transfers_page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    error: Option<String>,
    ask: AskFor,
) -> Response {
    let desk = match state.transfers().transfer_desk(&staff.who) {
        Ok(d) => d,
        Err(e) => return staff.error_page(e),
    };
    let all = &desk.transfers;
    let t = staff.t;
    let incoming_open = |request: bool| {
        all.iter().filter(move |x| {
            x.direction == Direction::Incoming
                && x.request == request
                && x.status == unionfed_core::transfers::TransferStatus::Received
        })
    };
    let short_id = super::members::short_id;
    let requests = incoming_open(true)
        .map(|x| {
            let consent = x.consent.and_then(|c| desk.consents.get(&c));
            let member = desk
                .names
                .get(&x.member)
                .filter(|n| !n.is_empty())
                .map_or_else(|| short_id(&x.member), Clone::clone);
            RequestRow {
                id: x.id.to_string(),
                member,
                from: x.destination.to_string(),
                purposes: consent
                    .as_ref()
                    .map(|c| c.purposes.join(", "))
                    .unwrap_or_default(),
                data: consent
                    .map(|c| c.data_categories.join(", "))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let outgoing = all
        .iter()
        .filter(|x| x.direction == Direction::Outgoing)
        .take(200)
        .map(|x| OutgoingRow {
            day: day_string(x.created_at),
            what: t.get(if x.request {
                "transfers-kind-request"
            } else {
                "transfers-kind-file"
            }),
            member: short_id(&x.member),
            link: desk
                .names
                .contains_key(&x.member)
                .then(|| x.member.to_string()),
            other: if x.request {
                x.origin.to_string()
            } else {
                x.destination.to_string()
            },
            state: transfer_state_text(t, &x.status),
        })
        .collect();
    let affiliates = super::other_affiliates(state, staff.t);
    let personal = !staff.who.masked(Action::ReadTransfers);
    let held = state.charter();
    let rows = incoming_open(false)
        .filter_map(|x| {
            // A masked reader sees that a file is waiting, not whose it is.
            let file = match (&x.file, personal) {
                (Some(f), true) => Some(f),
                (None, true) => return None,
                (_, false) => None,
            };
            let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
            Some(TransferRow {
                id: x.id.to_string(),
                name: file.map_or_else(
                    || super::members::hidden_name(t, &x.member),
                    |f| f.holder_name.clone(),
                ),
                from: held.charter.affiliate(&x.origin).map_or_else(
                    || x.origin.to_string(),
                    |a| format!("{} ({})", a.name, a.id),
                ),
                since: file.map_or_else(|| "—".into(), |f| day_string(f.member_since)),
                fields: file.map_or_else(Vec::new, |f| {
                    let mut shown = vec![
                        ("member-dob", opt(&f.date_of_birth)),
                        ("member-contact", opt(&f.contact)),
                        ("transfers-contact-here", opt(&f.work.destination_contact)),
                        ("member-employer", opt(&f.employer)),
                        ("member-sector", opt(&f.sector)),
                        ("data-job", opt(&f.work.job)),
                        ("data-workplace", opt(&f.work.workplace)),
                        ("data-language", opt(&f.work.language)),
                    ];
                    // Only what was shared: a field the file does not hold
                    // is no field of this worker's.
                    shown.retain(|(_, v)| v != "—");
                    shown.push(("consent-purposes", f.consent.purposes.join(", ")));
                    shown.push((
                        "transfers-until",
                        x.until
                            .map_or_else(|| t.get("transfers-open-ended"), day_string),
                    ));
                    shown
                }),
            })
        })
        .collect();
    page(
        status,
        TransfersPage {
            t: staff.t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            csrf: staff.session.csrf.clone(),
            error,
            rows,
            requests,
            outgoing,
            may_decide: staff.who.may(Action::ChangeTransfers),
            affiliates,
            given: super::member_moves::given_choices(t),
            data: super::member_moves::data_choices(t),
            ask,
        }
        .render(),
    )
}

pub(crate) async fn transfers(
    State(state): State<AppState>,
    staff: Staff,
    ask: Result<Query<AskFor>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let ask = ask.map(|Query(a)| a).unwrap_or_default();
    transfers_page(&state, &staff, StatusCode::OK, None, ask)
}

pub(crate) async fn decide_transfer(
    State(state): State<AppState>,
    Path((id, decision)): Path<(String, String)>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    let Ok(id) = id.parse() else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "transfers-none");
    };
    let result = match decision.as_str() {
        "accept" => state.transfers().accept_transfer(&staff.who, &id).await,
        "decline" => {
            state
                .transfers()
                .decline_transfer(&staff.who, &id, f.one("reason"))
                .await
        }
        _ => return message_page(staff.t, StatusCode::NOT_FOUND, "transfers-none"),
    };
    match result {
        Ok(_) => Redirect::to("/transfers").into_response(),
        Err(NodeError::Invalid(m)) => transfers_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(staff.input_error(&m)),
            AskFor::default(),
        ),
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "transfers-none")
        }
        Err(e) => staff.error_page(e),
    }
}

/// A union in the country of work asks the worker's home union for their
/// file: the worker showed their card and gave consent here, in person.
pub(crate) async fn request_file(
    State(state): State<AppState>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    if let Some(r) = staff.unless_may(&state, Action::ChangeTransfers, "transfer request") {
        return r;
    }
    let refuse = |m: String| {
        let ask = AskFor {
            member: f.one("member"),
            origin: f.one("origin"),
        };
        transfers_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(staff.input_error(&m)),
            ask,
        )
    };
    let Ok(member) = f.one("member").trim().parse() else {
        return refuse(staff.t.get("error-member-id"));
    };
    let Ok(origin) = f.one("origin").parse() else {
        return refuse(staff.t.get("error-affiliate"));
    };
    let Some(terms) = super::member_moves::ConsentTerms::from_form(&f) else {
        return refuse(staff.t.get("error-input"));
    };
    let input = NewTransferRequest {
        member,
        origin,
        given: terms.given,
        purposes: terms.purposes,
        data_categories: terms.data_categories,
        destination_country: state
            .charter()
            .charter
            .affiliate(&state.config.affiliate)
            .map(|a| a.country),
        legal_basis: f.one("legal_basis"),
    };
    match state.transfers().request_transfer(&staff.who, input).await {
        Ok(_) => Redirect::to("/transfers").into_response(),
        Err(NodeError::Invalid(m)) => refuse(m),
        Err(e) => staff.error_page(e),
    }
}

// --- cases ------------------------------------------------------------------------------

struct CaseRow {
    id: String,
    reference: String,
    priority: String,
    risks: String,
    categories: String,
    status: String,
    due: String,
    assigned: String,
}

#[derive(Template)]
#[template(path = "s_cases.html")]
struct CasesPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    filter: String,
    rows: Vec<CaseRow>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CaseFilter {
    #[serde(default)]
    f: String,
}

pub(crate) async fn cases(
    State(state): State<AppState>,
    staff: Staff,
    filter: Result<Query<CaseFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let filter = filter.map(|Query(f)| f.f).unwrap_or_default();
    let query = CaseQuery {
        open: true,
        overdue: filter == "overdue",
        risk: filter == "risk",
        assigned_to: (filter == "mine").then(|| staff.user.display_name.clone()),
        ..Default::default()
    };
    let found = match state.cases().list_cases(&staff.who, &query) {
        Ok(f) => f,
        Err(e) => return staff.error_page(e),
    };
    let t = staff.t;
    let rows = found
        .iter()
        .map(|c| CaseRow {
            id: c.id.to_string(),
            reference: c.reference.clone(),
            priority: priority_text(t, c.priority),
            risks: risks_text(c),
            categories: categories_text(t, c),
            status: status_text(t, c.status),
            due: c.due_at.map_or("—".into(), day_string),
            assigned: c.assigned_to.clone().unwrap_or_else(|| "—".into()),
        })
        .collect();
    page(
        StatusCode::OK,
        CasesPage {
            t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            filter,
            rows,
        }
        .render(),
    )
}

struct EventRow {
    when: String,
    actor: String,
    what: String,
    note: Option<String>,
}

struct CaseView {
    id: String,
    reference: String,
    status: String,
    priority: String,
    risks: String,
    categories: String,
    corridor: String,
    due: String,
    assigned: String,
    employer: String,
    worker: String,
    description: String,
    receipt_code: bool,
    events: Vec<EventRow>,
    /// Affiliates the worker consented to the case going to.
    consented: Vec<String>,
    /// Each referral, with the changes that followed it (a consent that
    /// narrowed, an erasure) and whether the recipient applied them.
    referrals: Vec<(String, Vec<String>)>,
    handled_elsewhere: Option<String>,
    /// For a case another affiliate referred here and not yet decided: who.
    awaiting_decision: Option<String>,
}

#[derive(Template)]
#[template(path = "s_case.html")]
struct CasePage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    csrf: String,
    error: Option<String>,
    c: CaseView,
    may_act: bool,
    /// Not a viewer: names, narratives, files and contract terms show.
    sees_personal: bool,
    moves: Vec<(&'static str, String)>,
    outcomes: Vec<(String, String)>,
    rejections: Vec<(String, String)>,
    actions: Vec<(String, String)>,
    officers: Vec<String>,
    affiliates: Vec<String>,
    given: Vec<(String, String)>,
    fields: Vec<(String, String)>,
    files: Vec<super::case_files::FileRow>,
    contract: super::case_files::ContractView,
    /// (value, label) of the unions and services a case may be referred to.
    targets: Vec<(String, String)>,
    /// (id, label) of directory services the worker may consent to.
    services: Vec<(String, String)>,
}

pub(crate) fn case_page(
    state: &AppState,
    staff: &Staff,
    id: &CaseId,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let c = match state.cases().read_case(&staff.who, id) {
        Ok(c) => c,
        Err(NodeError::NotFound { .. }) => {
            return message_page(staff.t, StatusCode::NOT_FOUND, "cases-none")
        }
        Err(e) => return staff.error_page(e),
    };
    let t = staff.t;
    let personal = !staff.who.masked(Action::ReadCase);
    let hidden = || t.get("case-hidden");
    let country = |x: &Option<unionfed_protocol::CountryCode>| {
        x.map_or("?".to_owned(), |c| t.country(c.as_str()))
    };
    let worker = if c.worker.anonymous {
        t.get("case-anonymous")
    } else if personal {
        [c.worker.name.clone(), c.worker.contact.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ")
    } else {
        hidden()
    };
    let events = c
        .events
        .iter()
        .map(|e| {
            let what = e.kind.name().replace('_', " ");
            let what = match &e.kind {
                unionfed_core::cases::EventKind::Transition { to, .. } => {
                    format!("{what} → {}", status_text(t, *to))
                }
                unionfed_core::cases::EventKind::Action { action } => {
                    t.get(&format!("action-{}", code(action)))
                }
                _ => what,
            };
            EventRow {
                when: super::staff::clock(e.at),
                actor: e.actor.clone(),
                what,
                note: if personal {
                    e.note.clone()
                } else {
                    e.note.as_ref().map(|_| hidden())
                },
            }
        })
        .collect();
    let view = CaseView {
        id: c.id.to_string(),
        reference: c.reference.clone(),
        status: status_text(t, c.status),
        priority: priority_text(t, c.priority),
        risks: if c.risk_flags.is_empty() {
            "—".into()
        } else {
            risks_text(&c)
        },
        categories: categories_text(t, &c),
        corridor: format!(
            "{} → {}",
            country(&c.origin_country),
            country(&c.destination_country)
        ),
        due: c.due_at.map_or("—".into(), day_string),
        assigned: c.assigned_to.clone().unwrap_or_else(|| "—".into()),
        employer: if personal {
            c.employer.clone().unwrap_or_else(|| "—".into())
        } else {
            hidden()
        },
        worker,
        description: if personal {
            c.description.clone()
        } else {
            hidden()
        },
        receipt_code: c.receipt_code,
        events,
        consented: c
            .consent
            .as_ref()
            .map(|x| x.affiliates.iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
        referrals: c
            .referrals
            .iter()
            .map(|r| {
                let to = match &r.target {
                    unionfed_core::cases::referrals::ReferralTarget::Service { name, .. } => {
                        name.clone()
                    }
                    unionfed_core::cases::referrals::ReferralTarget::Affiliate { affiliate } => {
                        affiliate.to_string()
                    }
                };
                let line = format!("{} · {to} · {}", day_string(r.created_at), code(&r.status))
                    + &r.remark
                        .as_ref()
                        .map(|m| format!(" · {m}"))
                        .unwrap_or_default();
                let changes = r
                    .changes
                    .iter()
                    .map(|c| {
                        let day = day_string(c.sent_at);
                        let what = match c.change.as_str() {
                            "erased" => "case-change-erased",
                            _ => "case-change-narrowed",
                        };
                        let state = match c.applied_at {
                            Some(at) => t.with("case-change-applied", &[("day", &day_string(at))]),
                            None => t.with("case-change-pending", &[("to", &to)]),
                        };
                        format!("{}: {state}", t.with(what, &[("day", &day), ("to", &to)]))
                    })
                    .collect();
                (line, changes)
            })
            .collect(),
        handled_elsewhere: c
            .handled_elsewhere
            .as_ref()
            .map(|h| format!("{} · {}", h.affiliate, status_text(t, h.status))),
        awaiting_decision: c
            .referred_from
            .as_ref()
            .filter(|f| f.accepted.is_none())
            .map(|f| format!("{} ({})", f.affiliate, f.reference)),
    };
    let officers = state.accounts().case_handlers().unwrap_or_default();
    let affiliates = super::other_affiliates(state, staff.t)
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    let targets = super::case_files::referral_targets(state, staff, &c);
    let consented_services: Vec<String> = c
        .consent
        .as_ref()
        .map(|x| x.services.iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    let services = targets
        .iter()
        .filter_map(|(v, label)| Some((v.strip_prefix("s:")?.to_owned(), label.clone())))
        .map(|(id, label)| {
            let mark = if consented_services.contains(&id) {
                " ✓"
            } else {
                ""
            };
            (id, format!("{label}{mark}"))
        })
        .collect();
    let (files, contract) = if personal {
        (
            super::case_files::files(&c),
            super::case_files::contract(t, &c),
        )
    } else {
        (Vec::new(), super::case_files::contract_flags(&c))
    };
    let pairs = |items: Vec<String>, prefix: &str| -> Vec<(String, String)> {
        items
            .into_iter()
            .map(|code| {
                let label = t.get(&format!("{prefix}-{code}"));
                (code, label)
            })
            .collect()
    };
    page(
        status,
        CasePage {
            t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            csrf: staff.session.csrf.clone(),
            error,
            c: view,
            may_act: staff.who.may(Action::ChangeCase),
            sees_personal: personal,
            moves: if c
                .referred_from
                .as_ref()
                .is_some_and(|f| f.accepted.is_none())
            {
                Vec::new()
            } else {
                c.status
                    .next()
                    .iter()
                    .map(|s| (s.as_str(), status_text(t, *s)))
                    .collect()
            },
            outcomes: pairs(
                [
                    Outcome::Remedied,
                    Outcome::PartlyRemedied,
                    Outcome::NotRemedied,
                    Outcome::Withdrawn,
                ]
                .iter()
                .map(code)
                .collect(),
                "outcome",
            ),
            rejections: pairs(
                [Rejection::Spam, Rejection::Duplicate, Rejection::OutOfScope]
                    .iter()
                    .map(code)
                    .collect(),
                "rejection",
            ),
            actions: pairs(
                [
                    ActionKind::Call,
                    ActionKind::Visit,
                    ActionKind::Letter,
                    ActionKind::Meeting,
                    ActionKind::LegalFiling,
                    ActionKind::Note,
                ]
                .iter()
                .map(code)
                .collect(),
                "action",
            ),
            officers,
            affiliates,
            given: pairs(
                ["in_person", "signed_form", "online"]
                    .map(String::from)
                    .to_vec(),
                "consent",
            ),
            fields: pairs(
                [
                    "worker_name",
                    "worker_contact",
                    "employer",
                    "recruitment_agency",
                    "sector",
                    "description",
                ]
                .map(String::from)
                .to_vec(),
                "field",
            ),
            files,
            contract,
            targets,
            services,
        }
        .render(),
    )
}

pub(crate) async fn case(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse() else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "cases-none");
    };
    case_page(&state, &staff, &id, StatusCode::OK, None)
}

pub(crate) async fn case_step(
    State(state): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    let Ok(id) = id.parse::<CaseId>() else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "cases-none");
    };
    if let Some(r) = staff.unless_may(&state, Action::ChangeCase, &id.to_string()) {
        return r;
    }
    // The domain names who acted, from the session; nothing the form says.
    let actor = String::new();
    let note = Some(f.one("note")).filter(|n| !n.trim().is_empty());
    let result = match step.as_str() {
        "move" => {
            let Some(to) = from_code::<CaseStatus>(&f.one("to")) else {
                return case_page(
                    &state,
                    &staff,
                    &id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(staff.t.get("error-input")),
                );
            };
            let t = Transition {
                to,
                actor,
                outcome: from_code(&f.one("outcome")).filter(|_| to == CaseStatus::Resolved),
                rejection: from_code(&f.one("rejection")).filter(|_| to == CaseStatus::Rejected),
                note,
            };
            state.cases().transition(&staff.who, &id, t).await
        }
        "action" => {
            let Some(action) = from_code::<ActionKind>(&f.one("action")) else {
                return case_page(
                    &state,
                    &staff,
                    &id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(staff.t.get("error-input")),
                );
            };
            state
                .cases()
                .add_action(
                    &staff.who,
                    &id,
                    NewAction {
                        action,
                        actor,
                        note: note.unwrap_or_default(),
                    },
                )
                .await
        }
        "message" => {
            state
                .cases()
                .message_worker(
                    &staff.who,
                    &id,
                    StaffMessage {
                        actor,
                        text: f.one("text"),
                    },
                )
                .await
        }
        "assign" => {
            state
                .cases()
                .assign(
                    &staff.who,
                    &id,
                    Assignment {
                        to: f.one("to"),
                        actor,
                    },
                )
                .await
        }
        "consent" => {
            let consent = NewCaseConsent {
                given: from_code(&f.one("given")).unwrap_or(ConsentGiven::InPerson),
                recorded_by: actor,
                contact_allowed: f.one("contact_allowed") == "yes",
                affiliates: f
                    .all("affiliate")
                    .iter()
                    .filter_map(|a| a.parse().ok())
                    .collect(),
                services: f
                    .all("service")
                    .iter()
                    .filter_map(|s| s.parse().ok())
                    .collect(),
                purposes: Some(f.one("purpose"))
                    .filter(|p| !p.trim().is_empty())
                    .into_iter()
                    .collect(),
                fields: f.all("field").iter().filter_map(|x| from_code(x)).collect(),
            };
            state
                .cases()
                .record_case_consent(&staff.who, &id, consent)
                .await
        }
        "refer" => {
            let target = f.one("target");
            let (affiliate, service) = match target.split_once(':') {
                Some(("a", a)) => (a.parse().ok(), None),
                Some(("s", s)) => (None, s.parse().ok()),
                _ => (None, None),
            };
            if affiliate.is_none() && service.is_none() {
                return case_page(
                    &state,
                    &staff,
                    &id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(staff.t.get("error-input")),
                );
            }
            let basis = f.one("override_basis");
            let referral = NewReferral {
                service,
                affiliate,
                actor,
                note,
                consent_override: Some(basis.trim().to_owned()).filter(|b| !b.is_empty()).map(
                    |legal_basis| unionfed_core::cases::referrals::ConsentOverride { legal_basis },
                ),
            };
            state.cases().refer_case(&staff.who, &id, referral).await
        }
        "contract" => match super::case_files::contract_input(&f, actor) {
            Ok(input) => state.cases().set_contract(&staff.who, &id, input).await,
            Err(m) => Err(NodeError::Invalid(m)),
        },
        "take" | "decline" => {
            let decision = ReferralDecision {
                accept: step == "take",
                actor,
                reason: Some(f.one("reason")).filter(|r| !r.trim().is_empty()),
            };
            state
                .cases()
                .decide_referral(&staff.who, &id, decision)
                .await
        }
        _ => return message_page(staff.t, StatusCode::NOT_FOUND, "cases-none"),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(NodeError::Invalid(m)) => case_page(
            &state,
            &staff,
            &id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(staff.input_error(&m)),
        ),
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "cases-none")
        }
        Err(e) => staff.error_page(e),
    }
}
