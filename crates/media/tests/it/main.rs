//! Integration tests, one binary (faster to link on two cores).

mod fixtures;
mod hostile;
mod metadata;
mod output;
mod store;
