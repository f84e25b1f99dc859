//! Tests of the protocol crate's public API, one module per area.

// A failing test is a panic; helpers outside #[test] fns unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod card;
mod charter;
mod entries;
mod fixture;
mod handoff;
mod vectors;
mod wire;
