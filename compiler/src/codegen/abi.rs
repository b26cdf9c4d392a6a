//! The runtime's API as generated code uses it: the `Workflow` impl, node metadata, the
//! executable's `main`, and the stage comments. Every runtime name the generator emits
//! beyond the node modules lives here, so the generator follows the runtime in one place.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ConstPlaces, Gen, expr, names};
use crate::graph::{Node, Schedule};

/// The metadata of one node: id, kind, effect flag and its `with` policy.
pub(super) fn node_meta(rt: &TokenStream, n: &Node) -> TokenStream {
    let id = &n.name;
    let kind = n.kind.dotted();
    let effect = n.kind.effect;
    let opt_u32 = |v: Option<u32>| match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    };
    let opt_u64 = |v: Option<u64>| match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    };
    let retry = opt_u32(n.policy.retry);
    let backoff = opt_u64(n.policy.backoff_ms);
    let timeout = opt_u64(n.policy.timeout_ms);
    let breaker = opt_u32(n.policy.breaker);
    quote! {
        #rt::NodeMeta {
            id: #id,
            kind: #kind,
            effect: #effect,
            policy: #rt::Policy {
                retry: #retry,
                backoff_ms: #backoff,
                timeout_ms: #timeout,
                breaker: #breaker,
            },
        }
    }
}

/// `impl Workflow for Workflow`: the glue the runtime's tick loop and CLI call.
pub(super) fn workflow_impl(g: &Gen<'_>) -> TokenStream {
    let rt = g.rt;
    let name = &g.g.name;
    let interval = match g.g.schedule {
        Schedule::Once => quote!(::std::option::Option::None),
        Schedule::Every { millis } => {
            quote!(::std::option::Option::Some(::std::time::Duration::from_millis(#millis)))
        }
    };
    let node_count = g.g.nodes.len();
    let specs = g.g.params.iter().map(|p| {
        let pname = &p.name;
        let ty = p.ty.name();
        let required = p.default.is_none();
        let doc = p.doc.clone().unwrap_or_default();
        quote!(#rt::ParamSpec { name: #pname, ty: #ty, required: #required, doc: #doc })
    });
    // Params are read in declaration order, so a default may use the params before it.
    let consts = ConstPlaces {
        graph: g.g,
        base: None,
    };
    let reads = g.g.params.iter().map(|p| {
        let local = names::prefixed("p_", &p.name);
        let pname = &p.name;
        let ty = g.rust_type(&p.ty);
        let read = quote!(values.get::<#ty>(#pname)?);
        match &p.default {
            Some(default) => {
                let default = expr::lower(default, &consts);
                quote!(let #local: #ty = #read.unwrap_or_else(|| #default);)
            }
            None => quote! {
                let #local: #ty = #read.ok_or_else(|| #rt::ParamError::missing(#pname))?;
            },
        }
    });
    let fields = g.g.params.iter().map(|p| {
        let field = names::public(&p.name);
        let local = names::prefixed("p_", &p.name);
        quote!(#field: #local)
    });
    let outputs = g.g.outputs.iter().map(|o| {
        let oname = &o.name;
        let field = names::public(&o.name);
        quote!((#oname, self.#field.as_ref().map(#rt::Value::from_ref)))
    });
    quote! {
        impl #rt::Outputs for Outputs {
            fn values(&self) -> ::std::vec::Vec<(&'static str, ::std::option::Option<#rt::Value>)> {
                ::std::vec![#(#outputs),*]
            }
        }

        // A flow without params does not read `values`.
        #[allow(unused_parens, unused_variables)]
        impl #rt::Workflow for Workflow {
            const NAME: &'static str = #name;
            const INTERVAL: ::std::option::Option<::std::time::Duration> = #interval;
            const NODE_COUNT: usize = #node_count;
            const PARAMS: &'static [#rt::ParamSpec] = &[#(#specs),*];
            type Outputs = Outputs;

            fn build(values: &#rt::ParamValues) -> ::std::result::Result<Self, #rt::ParamError> {
                #(#reads)*
                ::std::result::Result::Ok(Workflow::new(Params { #(#fields,)* }))
            }

            async fn tick(&mut self, cx: &#rt::Ctx, t: &#rt::Tick<'_>) -> Outputs {
                Workflow::tick(self, cx, t).await
            }
        }
    }
}

/// The executable's entry point.
pub(super) fn main_fn(rt: &TokenStream) -> TokenStream {
    quote! {
        /// Runs the workflow as an executable: flags, modes, events and exit codes as in
        /// TOOLCHAIN.md.
        pub fn main() -> ::std::process::ExitCode {
            #rt::main::<Workflow>()
        }
    }
}

/// The name of the marker macro that stands for a comment until the text is rendered.
const MARKER: &str = "__flow_comment";

/// A statement that becomes a `// text` comment in the rendered source. prettyplease drops
/// comments, so the generator emits this marker and [`markers_to_comments`] rewrites it.
pub(super) fn stage_marker(text: &str) -> TokenStream {
    let marker = proc_macro2::Ident::new(MARKER, proc_macro2::Span::call_site());
    quote!(#marker!(#text);)
}

/// Rewrites marker statements in formatted source into comments. prettyplease puts a short
/// marker on one line and wraps a long one (`__flow_comment!(` / the literal / `);`), so a
/// marker is collected until its closing `);` before its literal is read back.
pub(super) fn markers_to_comments(text: &str) -> String {
    let opener = format!("{MARKER}!(");
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix(&opener) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let mut call = rest.to_owned();
        while !call.trim_end().ends_with(");") {
            match lines.next() {
                Some(next) => call.push_str(next.trim()),
                None => break,
            }
        }
        let literal = call
            .trim_end()
            .trim_end_matches(");")
            .trim()
            .trim_end_matches(',');
        let indent = &line[..line.len() - trimmed.len()];
        match syn::parse_str::<syn::LitStr>(literal) {
            Ok(s) => {
                out.push_str(indent);
                out.push_str("// ");
                out.push_str(&s.value());
            }
            // Never reached for markers the generator wrote; keep the text compilable anyway.
            Err(_) => {
                out.push_str(indent);
                out.push_str("// (stage)");
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_wrapped_markers_become_comments() {
        let text = "fn f() {\n    __flow_comment!(\"Stage 0: a\");\n    __flow_comment!(\n        \"Stage 1: b, c\",\n    );\n    x();\n}\n";
        assert_eq!(
            markers_to_comments(text),
            "fn f() {\n    // Stage 0: a\n    // Stage 1: b, c\n    x();\n}\n"
        );
    }
}
