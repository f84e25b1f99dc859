//! The unionfed node's doors over HTTP: the JSON API (`api`) and the
//! server-rendered pages (`ui`). A door turns a credential into a
//! `Principal` and calls the domain (`unionfed-core`), which decides what
//! that principal may do and records it; errors map to JSON once
//! (`api::ApiError`) and to HTML once (`ui::staff::Staff::error_page`).

pub mod api;
pub mod ui;
