//! The store's conformance suite: the same tests on SQLite and PostgreSQL.
mod conformance;
