//! The unionfed node's domain, below every door: the charter, the log and
//! its replication, handoff delivery, members, cards and transfers, the
//! case desk, accounts, the one access policy and the audit trail, over
//! the store of `unionfed-store`. It knows no HTTP: `unionfed-web`
//! resolves who is asking (`credentials`) and calls the `pub` functions
//! of each area's handle (`state.members()`, `state.transfers()`,
//! `state.cases()`, `state.accounts()`), which decide (`access`) and
//! record (`audit`); what is `pub(crate)` no door can reach. `layers`
//! says which part may use which, and checks it.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod breaches;
pub mod card_check;
pub mod cases;
pub mod config;
pub mod countries;
pub mod credentials;
pub mod handoffs;
pub mod identity;
pub mod joining;
pub mod launch;
pub mod layers;
pub mod members;
pub mod metrics;
pub mod node;
pub mod private_fs;
pub mod replication;
pub mod retention;
pub mod rights;
pub mod text;
pub mod timers;
pub mod transfers;

/// libp2p networking, the layer below: `unionfed-network`.
pub use unionfed_network as network;
/// The storage facade and the node's error type, the layer below:
/// `unionfed-store`.
pub use unionfed_store::{error, storage};

pub use config::Config;
pub use error::{NodeError, Result};
pub use node::NodeState;
