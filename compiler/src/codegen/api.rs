//! The typed construction of a workflow's params, for code that builds a workflow itself
//! rather than from `--param` text: `Params::new(..)` with the params that have no default
//! as arguments (in declaration order) and every default filled in, and `Default` when
//! every param has one. The `workflow!` macro emits it next to [`super::codegen`]'s items.
//!
//! Defaults are evaluated in declaration order, exactly as `Workflow::build` does, so a
//! default may read the params declared before it.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ConstPlaces, Gen, expr, names};
use crate::graph::CheckedGraph;

/// `impl Params { pub fn new(..) }`, and `impl Default for Params` when no param is
/// required. Needs the items of [`super::codegen`] (the `__rt` alias and `Params`) in scope.
pub fn params_api(graph: &CheckedGraph, config: &super::Config) -> TokenStream {
    let alias = quote!(__rt);
    let g = Gen::new(graph, config, &alias);
    let consts = ConstPlaces { graph, base: None };
    let required: Vec<_> = graph
        .params
        .iter()
        .filter(|p| p.default.is_none())
        .collect();
    let args = required.iter().map(|p| {
        let name = names::public(&p.name);
        let ty = g.rust_type(&p.ty);
        quote!(#name: #ty)
    });
    let locals = graph.params.iter().map(|p| {
        let local = names::prefixed("p_", &p.name);
        let ty = g.rust_type(&p.ty);
        match &p.default {
            Some(default) => {
                let value = expr::lower(default, &consts);
                quote!(let #local: #ty = #value;)
            }
            None => {
                let arg = names::public(&p.name);
                quote!(let #local: #ty = #arg;)
            }
        }
    });
    let fields = graph.params.iter().map(|p| {
        let field = names::public(&p.name);
        let local = names::prefixed("p_", &p.name);
        quote!(#field: #local)
    });
    let doc = if required.is_empty() {
        " The params with their declared defaults.".to_owned()
    } else {
        let names: Vec<String> = required.iter().map(|p| format!("`{}`", p.name)).collect();
        format!(
            " The params: {} as given, the others with their declared defaults.",
            names.join(", ")
        )
    };
    let default = if required.is_empty() {
        quote! {
            impl ::std::default::Default for Params {
                fn default() -> Self {
                    Params::new()
                }
            }
        }
    } else {
        quote!()
    };
    quote! {
        // Defaults may read the params before them; some read none.
        #[allow(unused_parens, unused_variables, clippy::redundant_field_names)]
        impl Params {
            #[doc = #doc]
            pub fn new(#(#args),*) -> Self {
                #(#locals)*
                Params { #(#fields,)* }
            }
        }
        #default
    }
}
