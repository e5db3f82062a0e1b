//! The sites of a deployment (the login page asks which one).

pub mod http;
pub mod service;
pub mod store;
