//! Cloudflare's response envelope: `success`, `errors`, `messages`, `result`, `result_info`.
//!
//! The generated code only looks at the HTTP status; a `success: false` inside a 2xx is an
//! error too, and these traits let the transport tell. Their impls are generated from the
//! spec (`codegen/pages.rs`): each success body's, and each listing page's.

use crate::generated::types::ResponseMessage;
use crate::model::entry_fields::EntryFields;

/// A decoded success body that may still report failure.
pub trait Envelope {
    /// What `success` says.
    fn succeeded(&self) -> bool;
    /// Cloudflare's `errors[]`, taken out.
    fn take_errors(&mut self) -> Vec<ResponseMessage>;
}

/// A listing's page type: what its `result_info` and entries are, where an entry's ID and
/// time are, and what `success` must say when the page is read without decoding its entries.
pub trait PageParts: Envelope + Send + 'static {
    /// Its `result_info`.
    type Info: serde::de::DeserializeOwned + Send + 'static;
    /// One entry of its `result`.
    type Entry;
    /// Where in an entry its ID and time are (the entry schema's `x-entry-id` and
    /// `x-entry-time`).
    const ENTRY: EntryFields;
    /// Whether a page whose `success` is this succeeded (as [`Envelope::succeeded`]).
    fn raw_succeeded(success: Option<bool>) -> bool;
}

/// What a body's `success` says, whether the generated field is a `bool` or an
/// `Option<bool>` (optional or nullable in the spec).
pub trait Said {
    fn said(&self) -> Option<bool>;
}

impl Said for bool {
    fn said(&self) -> Option<bool> {
        Some(*self)
    }
}

impl Said for Option<bool> {
    fn said(&self) -> Option<bool> {
        *self
    }
}

/// A body's `errors`, taken out, whether the generated field is a `Vec` or an `Option<Vec>`.
pub trait Errors {
    fn take_all(&mut self) -> Vec<ResponseMessage>;
}

impl Errors for Vec<ResponseMessage> {
    fn take_all(&mut self) -> Vec<ResponseMessage> {
        std::mem::take(self)
    }
}

impl Errors for Option<Vec<ResponseMessage>> {
    fn take_all(&mut self) -> Vec<ResponseMessage> {
        self.take().unwrap_or_default()
    }
}
