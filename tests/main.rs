//! Integration tests: one binary, one module per behaviour area.

mod report;
