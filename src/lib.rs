//! paindiary: a pain diary and diagnostic-block response evaluator (library).
//!
//! The library knows nothing of the command line or the terminal: the diary model and its
//! validation ([`diary`]), safe storage ([`storage`]), time input ([`time_input`]), the
//! evaluation engine as a pure function ([`evaluation`]), the renderers ([`render`]) and data
//! exchange as CSV and FHIR ([`exchange`]).
pub mod diary;
pub mod evaluation;
pub mod exchange;
pub mod render;
pub mod storage;
pub mod time_input;
pub mod zone;
