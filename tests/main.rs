//! Integration tests: one binary, one module per behaviour (DESIGN §8).

mod common;

mod cli;
mod cronjob;
mod determinism;
