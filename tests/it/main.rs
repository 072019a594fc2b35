//! The one integration-test binary: every module drives the real `paindiary` binary (or the
//! library) from the outside. `common` holds the shared test harness.

mod ablation_props;
mod cli;
mod common;
mod correct;
mod diary_gen;
mod differential;
mod errors;
mod evaluate_v2;
mod examples;
mod examples_rfa;
mod exchange;
mod exchange_support;
mod fhir_validators;
mod hardening;
mod list;
mod loader_props;
mod loader_stream;
mod newcomer;
mod present;
mod procedures;
mod record;
mod storage;
mod terminal;
mod time_zone;
mod unknown_fields;
mod width;
