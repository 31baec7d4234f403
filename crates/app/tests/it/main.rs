//! Tests of the real `shangliang` binary as a separate process.
mod durability;
