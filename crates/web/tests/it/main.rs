//! Integration tests of the whole web app over real HTTP, each on a fresh
//! database, each run on SQLite and (when configured) on PostgreSQL.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod admin;
mod authz;
mod cache;
mod campaign;
mod categories;
mod chain;
mod deadlines;
mod deliberation;
mod duty;
mod figures;
mod follow_up;
mod helpers;
mod hostile;
mod hotline;
mod intake;
mod integrity;
mod interop;
mod joint;
mod live;
mod matrix;
mod meeting_day;
mod openapi;
mod opinion_page;
mod orders;
mod outbound;
mod pages;
mod participation;
mod reopen;
mod reports;
mod research;
mod residents;
mod review;
mod second_factor;
mod session;
mod shared_limits;
