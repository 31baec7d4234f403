//! Integration tests, one binary (faster to link on two cores).
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod bucket;
mod fixtures;
mod hostile;
mod metadata;
mod output;
mod store;
