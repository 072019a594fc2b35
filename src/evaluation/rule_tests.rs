//! SPEC §3 rule-by-rule tests (being written).
#![allow(unused_imports)]
use super::tests::*;
