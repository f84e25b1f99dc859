//! The member page's consent and transfer forms: record what a worker
//! agreed to share and with which union, withdraw it, and send their file
//! under it. Organisers and admins of the home union use them.

use super::i18n::Tr;
use super::members::{member_page_entered, parse_id};
use super::staff::{message_page, Staff, StaffForm};
use crate::api::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use unionfed_core::access::Action;
use unionfed_core::error::NodeError;
use unionfed_core::transfers::{
    Consent, ConsentGiven, Direction, NewConsent, NewTransfer, TransferStatus, DATA_CATEGORIES,
};
use unionfed_protocol::{MemberId, Timestamp};

/// What the consent and transfer forms offer for one member.
pub(crate) struct MoveChoices {
    /// (code, "MTUC · Malaysian Trades Union Congress · MY") of the other affiliates.
    pub affiliates: Vec<(String, String)>,
    /// (code, label) of the ways consent is given.
    pub given: Vec<(String, String)>,
    /// (code, label) of the data categories; the name always goes.
    pub data: Vec<(String, String)>,
    /// (consent id, label) of the consents in force, each allowing one transfer destination.
    pub usable: Vec<(String, String)>,
    /// (transfer id, label) of accepted transfers a move to a third country may replace.
    pub accepted: Vec<(String, String)>,
    /// What a refused form held, to show it again; empty otherwise.
    pub entered: super::Fields,
}

pub(crate) fn choices(
    state: &AppState,
    t: Tr,
    consents: &[Consent],
    transfers: &[unionfed_core::transfers::Transfer],
    entered: super::Fields,
) -> MoveChoices {
    let affiliates = super::other_affiliates(state, t);
    let accepted = transfers
        .iter()
        .filter(|x| {
            x.direction == Direction::Outgoing && !x.request && x.status == TransferStatus::Accepted
        })
        .map(|x| {
            let label = format!(
                "{} · {}",
                x.destination,
                unionfed_core::cases::reports::day_string(x.created_at)
            );
            (x.id.to_string(), label)
        })
        .collect();
    MoveChoices {
        affiliates,
        given: given_choices(t),
        data: data_choices(t),
        usable: consents
            .iter()
            .filter(|c| c.withdrawn_at.is_none())
            .map(|c| {
                let label = format!("{} · {}", c.recipient, c.purposes.join(", "));
                (c.id.to_string(), label)
            })
            .collect(),
        accepted,
        entered,
    }
}

/// (code, label) of the ways a worker gives consent.
pub(crate) fn given_choices(t: Tr) -> Vec<(String, String)> {
    ["in_person", "signed_form", "online"]
        .iter()
        .map(|g| (g.to_string(), t.get(&format!("consent-{g}"))))
        .collect()
}

/// (code, label) of the data categories a consent may name, less the
/// name, which always goes.
pub(crate) fn data_choices(t: Tr) -> Vec<(String, String)> {
    DATA_CATEGORIES
        .iter()
        .filter(|c| **c != "name")
        .map(|c| (c.to_string(), t.get(&format!("data-{c}"))))
        .collect()
}

/// What a consent form names beside the recipient: how it was given, the
/// purpose (none when left empty) and the data that may go, the name first
/// since it always goes. The transfers page's request form asks the same.
pub(crate) struct ConsentTerms {
    pub given: ConsentGiven,
    pub purposes: Vec<String>,
    pub data_categories: Vec<String>,
}

impl ConsentTerms {
    /// `None` when "how it was given" is not one of the choices.
    pub(crate) fn from_form(f: &super::Fields) -> Option<ConsentTerms> {
        let given = unionfed_core::cases::from_code(&f.one("given"))?;
        let mut data_categories = f.all("data");
        data_categories.insert(0, "name".into());
        Some(ConsentTerms {
            given,
            purposes: Some(f.one("purpose").trim().to_owned())
                .filter(|p| !p.is_empty())
                .into_iter()
                .collect(),
            data_categories,
        })
    }
}

/// The member id every form here names, once the policy lets this user
/// change transfers (asked before the form is read, so a refusal is a
/// refusal, recorded, and not a complaint about the form). `Err` holds the
/// answer to give instead.
fn admitted(state: &AppState, staff: &Staff, id: &str) -> Result<MemberId, Box<Response>> {
    let id = parse_id(id)
        .ok_or_else(|| Box::new(message_page(staff.t, StatusCode::NOT_FOUND, "members-none")))?;
    match staff.unless_may(state, Action::ChangeTransfers, &id.to_string()) {
        Some(refused) => Err(Box::new(refused)),
        None => Ok(id),
    }
}

/// Back to the member page, or the page again with what was wrong.
fn answer<T>(
    state: &AppState,
    staff: &Staff,
    id: &MemberId,
    entered: &super::Fields,
    result: unionfed_core::error::Result<T>,
) -> Response {
    match result {
        Ok(_) => Redirect::to(&format!("/members/{id}")).into_response(),
        Err(NodeError::Invalid(m)) => invalid(state, staff, id, entered, &m),
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "members-none")
        }
        Err(e) => staff.error_page(e),
    }
}

/// The member page again, 422, with what was wrong and what was entered.
fn invalid(
    state: &AppState,
    staff: &Staff,
    id: &MemberId,
    entered: &super::Fields,
    what: &str,
) -> Response {
    let mut page = member_page_entered(
        state,
        staff,
        id,
        Some(staff.input_error(what)),
        Some(entered),
    );
    *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    page
}

pub(crate) async fn record_consent(
    State(state): State<AppState>,
    Path(id): Path<String>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    let id = match admitted(&state, &staff, &id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let Ok(recipient) = f.one("recipient").parse() else {
        return invalid(&state, &staff, &id, &f, &staff.t.get("error-affiliate"));
    };
    let Some(terms) = ConsentTerms::from_form(&f) else {
        return invalid(&state, &staff, &id, &f, &staff.t.get("error-input"));
    };
    let country = f.one("destination_country").trim().to_uppercase();
    let destination_country = if country.is_empty() {
        state
            .charter()
            .charter
            .affiliate(&recipient)
            .map(|a| a.country)
    } else {
        match country.parse() {
            Ok(c) => Some(c),
            Err(_) => return invalid(&state, &staff, &id, &f, &staff.t.get("error-country")),
        }
    };
    let input = NewConsent {
        given: terms.given,
        recipient,
        purposes: terms.purposes,
        data_categories: terms.data_categories,
        destination_country,
        legal_basis: f.one("legal_basis"),
    };
    let result = state
        .transfers()
        .record_consent(&staff.who, &id, input)
        .await;
    answer(&state, &staff, &id, &f, result)
}

pub(crate) async fn withdraw_consent(
    State(state): State<AppState>,
    Path((id, consent)): Path<(String, String)>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    let id = match admitted(&state, &staff, &id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let Ok(consent) = consent.parse() else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "members-none");
    };
    let result = state
        .transfers()
        .withdraw_consent(&staff.who, &id, &consent)
        .await;
    answer(&state, &staff, &id, &f, result)
}

/// `YYYY-MM-DD` as the end of that day (UTC), for a representation's end.
fn end_of_day(day: &str) -> Option<Timestamp> {
    let start = unionfed_core::cases::reports::parse_day(day.trim())?;
    Some(Timestamp(start.secs() + 86_399))
}

pub(crate) async fn send_transfer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    let id = match admitted(&state, &staff, &id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    // The domain finds the consent and sends the file to its recipient.
    let Ok(consent) = f.one("consent").parse() else {
        return invalid(&state, &staff, &id, &f, &staff.t.get("transfer-no-consent"));
    };
    let until = match f.one("until").trim() {
        "" => None,
        day => match end_of_day(day) {
            Some(t) => Some(t),
            None => return invalid(&state, &staff, &id, &f, &staff.t.get("error-day")),
        },
    };
    let replaces = match f.one("replaces").trim() {
        "" => None,
        r => match r.parse() {
            Ok(r) => Some(r),
            Err(_) => return invalid(&state, &staff, &id, &f, &staff.t.get("error-input")),
        },
    };
    let input = NewTransfer {
        member: id,
        destination: None,
        consent,
        until,
        replaces,
        membership_move: f.one("membership_move") == "yes",
    };
    let result = state.transfers().start_transfer(&staff.who, input).await;
    answer(&state, &staff, &id, &f, result)
}
