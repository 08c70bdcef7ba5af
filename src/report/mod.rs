//! Reports built from a run's records: the terminal summary (and, with the report
//! layer, charts and the HTML page). Never re-simulates.

pub mod terminal;
