//! The unionfed node: the daemon an affiliate runs. `node::start` runs a whole
//! node in-process; the `unionfed` binary wraps it in a command line.

pub mod access;
pub mod accounts;
pub mod api;
pub mod audit;
pub mod bench;
pub mod card_check;
pub mod cases;
pub mod cluster;
pub mod config;
pub mod demo;
pub mod error;
pub mod handoffs;
pub mod identity;
pub mod members;
pub mod metrics;
pub mod network;
pub mod node;
pub mod replication;
pub mod setup;
pub mod storage;
pub(crate) mod text;
pub mod timers;
pub mod transfers;
pub mod ui;

pub use config::Config;
pub use error::{NodeError, Result};
pub use node::{start, NodeHandle, NodeState};
