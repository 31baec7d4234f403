//! The store's conformance suite: the same tests on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod admin;
mod auth;
mod conformance;
mod import;
mod search;
mod writers;
