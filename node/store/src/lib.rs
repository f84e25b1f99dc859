//! The storage facade of a unionfed node, below every area: `storage`
//! (sled: spaces, batches, group commit, the log's records) and the node's
//! one error type. A separate crate so that the build, not a convention,
//! keeps domain types out of it: nothing here can name a member, a case or
//! an account.

pub mod error;
pub mod storage;

pub use error::{NodeError, Result};
