//! Decoders for the types that keep unknown fields, generated from the types themselves.
//!
//! A schema with `additionalProperties: {}` becomes a struct whose last field is
//! `#[serde(flatten)] extra: Map<String, Value>`. serde's derive decodes such a struct
//! through its generic buffer: every key is copied into an owned string first, and every
//! unknown field is read twice (into the buffer, then into `extra`). For each such struct in
//! `types`, this removes `Deserialize` from the derive and emits a decoder that reads each
//! field once, straight into its place: a known key into its field, any other key (owned
//! only then) with its value into `extra`. It behaves as the derive does: a field given
//! twice is an error, a missing `Option` or `#[serde(default)]` field is its default, a
//! missing other field is an error, keys after a field's `rename`. An optional time is read by
//! `crate::decode_time` (its common form without chrono's general parser, the same result).
//! Each such struct also gets its `FastDecode` reader, from the same fields (`fast.rs`).

use quote::{ToTokens, format_ident, quote};

use super::CodegenError;

/// One field of a struct that keeps unknown fields.
pub struct Known {
    pub ident: syn::Ident,
    /// The JSON key.
    pub key: String,
    pub ty: syn::Type,
    /// Missing means its default (`Option`, or `#[serde(default)]`).
    pub defaulted: bool,
    /// An `Option<chrono::DateTime<Utc>>`, read by `crate::decode_time`.
    time: bool,
}

/// Rewrites `file`'s `types` module as described above and returns the decoders' source.
pub fn generate(file: &mut syn::File) -> Result<String, CodegenError> {
    let mut impls = Vec::new();
    for item in &mut file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if module.ident != "types" {
            continue;
        }
        for item in module.content.iter_mut().flat_map(|(_, items)| items) {
            let syn::Item::Struct(strukt) = item else {
                continue;
            };
            if let Some(decoder) = rewrite(strukt)? {
                impls.push(decoder);
            }
        }
    }
    let module = quote! {
        /// Decoders of the types that keep unknown fields (see `codegen/lossless.rs`).
        mod lossless {
            use super::types;
            // Field types are written as the `types` module names them.
            use super::types::*;
            #(#impls)*
        }
    };
    let file = syn::parse2::<syn::File>(module).map_err(|e| CodegenError::Format(e.to_string()))?;
    Ok(prettyplease::unparse(&file))
}

/// The decoder of `strukt` when it keeps unknown fields, its derive then without
/// `Deserialize`.
fn rewrite(strukt: &mut syn::ItemStruct) -> Result<Option<proc_macro2::TokenStream>, CodegenError> {
    let syn::Fields::Named(fields) = &strukt.fields else {
        return Ok(None);
    };
    let mut known = Vec::new();
    let mut extra = None;
    for field in &fields.named {
        let ident = field
            .ident
            .clone()
            .ok_or_else(|| fail(strukt, "an unnamed field"))?;
        let attrs = serde_attrs(field).map_err(|e| fail(strukt, &e.to_string()))?;
        if attrs.flatten {
            if extra.replace(ident).is_some() {
                return Err(fail(strukt, "two flattened fields"));
            }
            continue;
        }
        let key = attrs
            .rename
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
        let defaulted = attrs.default || last_segment(&field.ty) == Some("Option");
        known.push(Known {
            ident,
            key,
            time: is_optional_time(&field.ty),
            ty: field.ty.clone(),
            defaulted,
        });
    }
    let Some(extra) = extra else {
        return Ok(None);
    };
    if !drop_derived_deserialize(strukt) {
        return Ok(None);
    }
    let name = &strukt.ident;
    let fast = super::fast::reader(name, &known, &extra);
    let expecting = format!("an object ({name})");
    let slots: Vec<_> = (0..known.len())
        .map(|i| format_ident!("field_{i}"))
        .collect();
    let types = known.iter().map(|k| &k.ty);
    let keys = known.iter().map(|k| &k.key);
    let keys_again = keys.clone();
    let reads = known.iter().map(|k| {
        if k.time {
            quote! { map.next_value::<crate::decode_time::OptionalTime>()?.0 }
        } else {
            quote! { map.next_value()? }
        }
    });
    let idents = known.iter().map(|k| &k.ident);
    let finish = known.iter().zip(&slots).map(|(k, slot)| {
        if k.defaulted {
            quote! { #slot.unwrap_or_default() }
        } else {
            let key = &k.key;
            quote! { #slot.ok_or_else(|| <A::Error as ::serde::de::Error>::missing_field(#key))? }
        }
    });
    Ok(Some(quote! {
        impl<'de> ::serde::Deserialize<'de> for types::#name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = types::#name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<Self::Value, A::Error> {
                        #(let mut #slots: ::std::option::Option<#types> = None;)*
                        let mut extra = ::serde_json::Map::new();
                        while let Some(key) = map.next_key::<crate::decode_key::Key<'de>>()? {
                            match key.as_str() {
                                #(#keys => {
                                    if #slots.is_some() {
                                        return Err(<A::Error as ::serde::de::Error>::duplicate_field(#keys_again));
                                    }
                                    #slots = Some(#reads);
                                })*
                                _ => {
                                    extra.insert(key.into_owned(), map.next_value()?);
                                }
                            }
                        }
                        Ok(types::#name {
                            #(#idents: #finish,)*
                            #extra: extra,
                        })
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
        #fast
    }))
}

/// What a field's `#[serde(..)]` attributes say.
#[derive(Default)]
struct SerdeAttrs {
    rename: Option<String>,
    default: bool,
    flatten: bool,
}

fn serde_attrs(field: &syn::Field) -> syn::Result<SerdeAttrs> {
    let mut found = SerdeAttrs::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                found.rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.path.is_ident("default") {
                found.default = true;
            } else if meta.path.is_ident("flatten") {
                found.flatten = true;
            } else if meta.path.is_ident("skip_serializing_if") {
                meta.value()?.parse::<syn::LitStr>()?;
            } else {
                // Anything else would change decoding in a way this decoder does not know.
                return Err(meta.error("a serde attribute the lossless decoder does not handle"));
            }
            Ok(())
        })?;
    }
    Ok(found)
}

/// Removes `Deserialize` from the struct's derive; whether it was there.
fn drop_derived_deserialize(strukt: &mut syn::ItemStruct) -> bool {
    let mut dropped = false;
    for attr in &mut strukt.attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: Vec<_> = paths
            .iter()
            .filter(|p| {
                let is = p.segments.last().is_some_and(|s| s.ident == "Deserialize");
                dropped |= is;
                !is
            })
            .collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    dropped
}

fn last_segment(ty: &syn::Type) -> Option<&'static str> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    (last.ident == "Option").then_some("Option")
}

/// Whether `ty` is `Option<DateTime<Utc>>`, as typify writes it.
fn is_optional_time(ty: &syn::Type) -> bool {
    let text = ty.to_token_stream().to_string().replace(' ', "");
    text == "::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>"
}

fn fail(strukt: &syn::ItemStruct, what: &str) -> CodegenError {
    CodegenError::Generator(format!("type {}: {what}", strukt.ident.to_token_stream()))
}
