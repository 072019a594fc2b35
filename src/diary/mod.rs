//! The diary: its model, how it is read with full validation, and how it is written back.
mod load;
mod model;
mod save;

pub use load::{LoadError, parse_diary, parse_diary_owned};
pub use model::*;
pub use save::{Num, to_bytes};

#[cfg(test)]
mod tests;
