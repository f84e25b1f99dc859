//! The unionfed node: the daemon an affiliate runs. `start` runs a whole
//! node in-process (the domain of `unionfed-core` and the HTTP doors of
//! `unionfed-web`); the `unionfed` binary wraps it in a command line, with
//! the demo federation and the benchmarks.

pub mod bench;
pub mod cluster;
pub mod demo;
pub mod runtime;
pub mod setup;

pub use runtime::{start, NodeHandle};
pub use unionfed_core::{
    access, accounts, audit, breaches, card_check, cases, config, credentials, error, handoffs,
    identity, members, metrics, network, node, replication, retention, rights, storage, timers,
    transfers, Config, NodeError, NodeState, Result,
};
pub use unionfed_web::{api, ui};
