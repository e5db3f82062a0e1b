//! Households: the family's own household and children (Famille, Élèves), and the
//! staff's side of them (households, students, the queue of change requests).

mod emails;
pub mod http;
pub mod service;
pub mod store;
