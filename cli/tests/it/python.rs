//! The Python test environment, shared with the library's integration tests.
#![allow(dead_code)]

#[path = "../../../tests/integration/common/python.rs"]
mod env;

pub use env::python;
