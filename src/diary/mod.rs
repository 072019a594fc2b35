//! The diary: its model, how it is read with full validation, how it is written back, and
//! the corrections of an entry (`amend`, `retract`).
pub mod correct;
mod load;
mod model;
mod save;
mod stream;

pub use load::{LoadError, parse_diary, parse_diary_owned};
pub use model::*;
pub use save::{Num, SaveError, to_bytes};
pub use stream::{StreamError, parse_diary_from};

#[cfg(test)]
mod tests;
