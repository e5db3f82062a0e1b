//! Documents ("Pièces à fournir"): the pieces a site asks for, a household's uploads,
//! their inspection and storage, and the staff's queue and decisions.

pub mod http;
pub mod inspection;
pub mod service;
pub mod storage;
pub mod store;
