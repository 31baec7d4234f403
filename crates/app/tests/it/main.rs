//! Tests of the real `shangliang` binary as a separate process.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod admin;
mod backup;
mod cli;
mod crash;
mod demo;
mod durability;
mod server;
mod supervision;
mod uploads;
