//! The household's tables: households, guardians, students, change requests (diesel only).

mod families;
mod records;
mod review;

pub use families::*;
pub use records::*;
pub use review::*;
