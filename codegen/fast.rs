//! The [`FastDecode`] reader of each type that keeps unknown fields (`src/fast_decode`),
//! written from the same fields as its serde decoder (`lossless.rs`): each known key into its
//! field, any other key into `extra`, and a give-up (so that serde_json decides) wherever the
//! serde decoder would fail: a field given twice, a required field missing.
//!
//! [`FastDecode`]: ../src/fast_decode/mod.rs

use quote::{format_ident, quote};

use super::lossless::Known;

/// The reader of the struct `name` with the fields `known` and the unknown ones in `extra`.
pub fn reader(name: &syn::Ident, known: &[Known], extra: &syn::Ident) -> proc_macro2::TokenStream {
    let slots: Vec<_> = (0..known.len())
        .map(|i| format_ident!("field_{i}"))
        .collect();
    let types = known.iter().map(|k| &k.ty);
    let types_again = types.clone();
    let keys = known.iter().map(|k| &k.key);
    let idents = known.iter().map(|k| &k.ident);
    let finish = known.iter().zip(&slots).map(|(k, slot)| {
        if k.defaulted {
            quote! { #slot.unwrap_or_default() }
        } else {
            quote! { #slot.ok_or(crate::fast_decode::Fail)? }
        }
    });
    quote! {
        impl crate::fast_decode::FastDecode for types::#name {
            fn read(reader: &mut crate::fast_decode::Reader<'_>) -> crate::fast_decode::Fast<Self> {
                #(let mut #slots: ::std::option::Option<#types> = None;)*
                let mut extra = ::serde_json::Map::new();
                reader.object(|reader, key| {
                    match &*key {
                        #(#keys => {
                            if #slots.is_some() {
                                return Err(crate::fast_decode::Fail);
                            }
                            #slots = Some(<#types_again as crate::fast_decode::FastDecode>::read(reader)?);
                        })*
                        _ => {
                            let value = <::serde_json::Value as crate::fast_decode::FastDecode>::read(reader)?;
                            extra.insert(key.into_owned(), value);
                        }
                    }
                    Ok(())
                })?;
                Ok(types::#name {
                    #(#idents: #finish,)*
                    #extra: extra,
                })
            }
        }
    }
}
