//! What one workflow expands to: a module named after it, holding the code generator's
//! items (with `main`), the typed params constructor and the in-process runner; or, when
//! the workflow has errors, a placeholder module of the same shape, so the user's code
//! around the macro still type-checks and the user sees the workflow's errors, not a
//! cascade of "cannot find `rsi::main`".
//!
//! User nodes: a kind declared in the macro as `extern node my.signal(..) -> (..) =
//! path::MySignal` is implemented by the user's type. The generated code names every kind
//! as `__rt::nodes::<path>::{Node, In, Out}` (the runtime ABI), so a workflow that uses
//! user kinds gets its own runtime root, `__flow_rt`: the runtime's items re-exported, and
//! a `nodes` tree in which each user kind is a module of three type aliases to the user's
//! type and its `NodeKind::In` / `NodeKind::Out`. The code generator is unchanged.
//! Separately, [`user_kind_checks`] asserts that the type matches its declaration, with
//! each check on the declaration's tokens so a mismatch is reported there.

use proc_macro2::{Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};

use crate::ast::{self, NodeClass};
use crate::codegen::{self, Config, names};
use crate::graph::CheckedGraph;

/// The runtime's root path as user crates see it.
fn runtime() -> TokenStream {
    quote!(::flow_runtime::__private)
}

/// Maps a span of the root text to the first and last token it covers (the call site
/// when the text did not come from tokens).
pub(crate) type Locate<'a> = &'a dyn Fn(crate::span::Span) -> (Span, Span);

/// An `extern node` of the macro input that is bound to a Rust type.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UserKind<'a> {
    pub decl: &'a ast::ExternNode,
    pub binding: &'a ast::RustPath,
    /// Declared in the macro's own text (its spans map to tokens), not in a `use`d file.
    pub local: bool,
}

impl UserKind<'_> {
    fn dotted(&self) -> String {
        self.decl.path.dotted()
    }

    fn segments(&self) -> Vec<String> {
        self.decl
            .path
            .segments
            .iter()
            .map(|s| s.name.clone())
            .collect()
    }
}

/// The module of a workflow that checked: generated items, params API, runner, and
/// `extra` (its warnings).
pub(crate) fn module(g: &CheckedGraph, users: &[UserKind<'_>], extra: TokenStream) -> TokenStream {
    let name = names::public(&g.name);
    let used: Vec<&UserKind<'_>> = users
        .iter()
        .filter(|u| g.nodes.iter().any(|n| n.kind.dotted() == u.dotted()))
        .collect();
    let (root, shadow) = if used.is_empty() {
        (runtime(), quote!())
    } else {
        (quote!(self::__flow_rt), shadow_runtime(&used))
    };
    let config = Config {
        runtime: root,
        main: true,
        comments: false,
        ..Config::default()
    };
    let items = codegen::codegen(g, &config);
    let params = codegen::params_api(g, &config);
    let doc = module_doc(g);
    quote! {
        #[doc = #doc]
        pub mod #name {
            #shadow
            #items
            #params
            impl Workflow {
                /// An in-process run of this workflow with these params: a simulated run
                /// (seed 0, one tick for `schedule once`, until stopped for
                /// `schedule every`) unless the runner's builder methods say otherwise
                /// (`ticks`, `seed`, `replay_text`, `replay_file`, `cash`, `fee_bps`, ...).
                /// Subscribe to events with `subscribe` or `events_channel`; run with
                /// `run_blocking` (a report with every tick's outputs) or
                /// `run_collect_blocking` (also the typed [`Outputs`] of every tick).
                pub fn runner(params: Params) -> __rt::Runner<Workflow> {
                    __rt::Runner::for_workflow(Workflow::new(params))
                }
            }
            #extra
        }
    }
}

fn module_doc(g: &CheckedGraph) -> String {
    let mut doc = String::new();
    if let Some(text) = &g.doc {
        for line in text.lines() {
            doc.push_str(&format!(" {line}\n"));
        }
        doc.push('\n');
    }
    doc.push_str(&format!(
        " The `{}` workflow, compiled by `workflow!`: [`Workflow`] holds its state \
         ([`Workflow::new`], [`Workflow::runner`] for in-process runs), [`Params`] its params \
         ([`Params::new`]), [`Outputs`] the results of one tick, and [`main`] runs it as an \
         executable with the flags of a `flowc`-built one.",
        g.name
    ));
    doc
}

/// The runtime root of a workflow that uses user kinds (see the module docs).
fn shadow_runtime(used: &[&UserKind<'_>]) -> TokenStream {
    let rt = runtime();
    let tree = namespace(used, &[]);
    quote! {
        /// The runtime as this workflow's code sees it: the runtime's items, plus the kinds
        /// implemented in this crate.
        #[doc(hidden)]
        mod __flow_rt {
            pub use #rt::*;
            pub mod nodes {
                pub use #rt::nodes::*;
                #tree
            }
        }
    }
}

/// The modules under `nodes::<prefix>` for the user kinds below `prefix`.
fn namespace(kinds: &[&UserKind<'_>], prefix: &[String]) -> TokenStream {
    let depth = prefix.len();
    let mut out = TokenStream::new();
    let mut children: Vec<&str> = Vec::new();
    for k in kinds {
        let segs = k.segments();
        if segs.len() > depth
            && segs[..depth] == *prefix
            && !children.contains(&segs[depth].as_str())
        {
            children.push(k.decl.path.segments[depth].name.as_str());
        }
    }
    for child in children {
        let mut path = prefix.to_vec();
        path.push(child.to_owned());
        let ident = names::public(child);
        let leaf = kinds.iter().find(|k| k.segments() == path);
        let body = match leaf {
            Some(k) => leaf_module(k, path.len()),
            None => {
                let glob = runtime_glob(&path);
                let inner = namespace(kinds, &path);
                quote!(#glob #inner)
            }
        };
        out.extend(quote! {
            pub mod #ident {
                #body
            }
        });
    }
    out
}

/// `pub use <runtime nodes>::<path>::*;` when the runtime has a module there (the prelude
/// declares a kind at or below `path`), so user kinds can share a namespace with it.
fn runtime_glob(path: &[String]) -> TokenStream {
    let in_runtime = crate::prelude::kinds()
        .any(|k| k.path.len() >= path.len() && k.path[..path.len()] == *path);
    if !in_runtime {
        return quote!();
    }
    let rt = runtime();
    let segs = path.iter().map(|s| names::public(s));
    quote!(pub use #rt::nodes #(::#segs)* ::*;)
}

/// The leaf module of a user kind, `depth` modules below `nodes`: `Node` is the user's
/// type, `In` and `Out` its `NodeKind` structs.
fn leaf_module(k: &UserKind<'_>, depth: usize) -> TokenStream {
    let rt = runtime();
    // From the leaf up to the module that invoked the macro: the leaf itself, `depth - 1`
    // namespaces, `nodes`, `__flow_rt` and the workflow's module.
    let ty = relative_path(k.binding, depth + 3);
    quote! {
        pub type Node = #ty;
        pub type In = <Node as #rt::NodeKind>::In;
        pub type Out = <Node as #rt::NodeKind>::Out;
    }
}

/// The binding path as seen from `levels` modules below the invoking module.
fn relative_path(b: &ast::RustPath, levels: usize) -> TokenStream {
    let segs: Vec<&str> = b.segments.iter().map(|s| s.name.as_str()).collect();
    let mut out = TokenStream::new();
    if b.global {
        out.extend(quote!(::));
    } else if !matches!(segs.first(), Some(&"crate")) {
        for _ in 0..levels {
            out.extend(quote!(super::));
        }
    }
    let mut first = true;
    for (i, seg) in segs.iter().enumerate() {
        // `self::X` names the invoking module, which the `super`s already reach.
        if i == 0 && *seg == "self" && !b.global {
            continue;
        }
        if !first {
            out.extend(quote!(::));
        }
        first = false;
        out.extend(path_ident(seg, Span::call_site()).into_token_stream());
    }
    out
}

/// A path segment as an identifier: keywords that may start a path (`crate`, `self`,
/// `super`) stay as they are, other keywords become raw identifiers.
fn path_ident(seg: &str, span: Span) -> Ident {
    if matches!(seg, "crate" | "self" | "super" | "Self") {
        Ident::new(seg, span)
    } else {
        let mut id = names::public(seg);
        id.set_span(span);
        id
    }
}

/// The binding path as written, on its own tokens (for errors about it).
fn spanned_path(b: &ast::RustPath, locate: Locate<'_>) -> TokenStream {
    let mut out = TokenStream::new();
    for (i, seg) in b.segments.iter().enumerate() {
        let span = locate(seg.span).0;
        if i > 0 || b.global {
            let mut a = Punct::new(':', Spacing::Joint);
            a.set_span(span);
            let mut c = Punct::new(':', Spacing::Alone);
            c.set_span(span);
            out.extend([TokenTree::Punct(a), TokenTree::Punct(c)]);
        }
        out.extend(path_ident(&seg.name, span).into_token_stream());
    }
    out
}

/// The Rust type of a Flow type name as a user kind's fields must have it; `None` for
/// names the prelude does not know (the checker has reported them).
fn port_type(name: &str) -> Option<TokenStream> {
    let rt = runtime();
    Some(match name {
        "f64" => quote!(::std::primitive::f64),
        "i64" => quote!(::std::primitive::i64),
        "bool" => quote!(::std::primitive::bool),
        "String" => quote!(::std::string::String),
        "Duration" => quote!(::std::time::Duration),
        _ if crate::prelude::types().any(|t| t.name == name) => {
            let id = names::public(name);
            quote!(#rt::types::#id)
        }
        _ => return None,
    })
}

/// Compile-time checks that a user kind's Rust type matches its declaration, each placed
/// on the declaration's tokens: the type implements `NodeKind`, and `Compute` for a plain
/// kind or `Io` for an `io` or `effect` one; its `In` and `Out` have exactly the declared
/// ports as fields (an extra or missing field is reported on the kind's path, an unknown
/// one on the port's name), each of the declared type (reported on the port's type); and
/// `NodeKind::EFFECT` agrees with `effect`.
pub(crate) fn user_kind_checks(k: &UserKind<'_>, locate: Locate<'_>) -> TokenStream {
    let rt = runtime();
    let call_site = |_: crate::span::Span| (Span::call_site(), Span::call_site());
    let locate: Locate<'_> = if k.local { locate } else { &call_site };
    let ty = spanned_path(k.binding, locate);
    let kind_span = locate(k.decl.path.span).0;
    let dotted = k.dotted();

    let pattern = |struct_name: &Ident, ports: &[ast::PortDecl]| {
        let fields = ports.iter().map(|p| {
            let mut field = names::public(&p.name.name);
            field.set_span(locate(p.name.span).0);
            quote!(#field: _)
        });
        quote_spanned!(kind_span=> let #struct_name { #(#fields,)* } = value;)
    };
    let in_name = Ident::new("__In", kind_span);
    let out_name = Ident::new("__Out", kind_span);
    let in_pattern = pattern(&in_name, &k.decl.inputs);
    let out_pattern = pattern(&out_name, &k.decl.outputs);

    let mut types = TokenStream::new();
    for (ports, strukt) in [(&k.decl.inputs, &in_name), (&k.decl.outputs, &out_name)] {
        for (i, p) in ports.iter().enumerate() {
            let Some(rust) = port_type(&p.ty.name) else {
                continue;
            };
            let span = locate(p.ty.span).0;
            let mut field = names::public(&p.name.name);
            field.set_span(span);
            let rust = respan(rust, span);
            let check = format_ident!("__type_{}_{}", strukt, i);
            types.extend(quote_spanned! {span=>
                fn #check(value: &#strukt) -> &#rust {
                    &value.#field
                }
            });
        }
    }

    let flavour = match k.decl.class {
        NodeClass::Pure => quote_spanned!(kind_span=> #rt::Compute),
        NodeClass::Io | NodeClass::Effect => quote_spanned!(kind_span=> #rt::Io),
    };
    let effect = k.decl.class == NodeClass::Effect;
    let effect_message = if effect {
        format!(
            "`{dotted}` is declared `extern effect node`, but its type's `NodeKind::EFFECT` is false"
        )
    } else {
        format!(
            "`{dotted}` is not declared `extern effect node`, but its type's `NodeKind::EFFECT` is true"
        )
    };
    quote_spanned! {kind_span=>
        // A type bound to a Flow node kind must match its declaration.
        #[allow(dead_code, non_snake_case)]
        const _: () = {
            type __In = <#ty as #rt::NodeKind>::In;
            type __Out = <#ty as #rt::NodeKind>::Out;
            fn __flavour<T: #flavour>() {}
            fn __is_the_declared_flavour() {
                __flavour::<#ty>();
            }
            fn __in_ports(value: __In) {
                #in_pattern
            }
            fn __out_ports(value: __Out) {
                #out_pattern
            }
            #types
            ::core::assert!(<#ty as #rt::NodeKind>::EFFECT == #effect, #effect_message);
        };
    }
}

/// Puts every token of `tokens` on `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut t| {
            if let TokenTree::Group(g) = &t {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                t = TokenTree::Group(group);
            } else {
                t.set_span(span);
            }
            t
        })
        .collect()
}

/// The placeholder for a workflow with errors: the same public names (`Params` with the
/// params whose types are built in, `Params::new`, `Outputs`, `Workflow` with `new`,
/// `params` and `runner`, `main`), so code using them still type-checks.
pub(crate) fn placeholder(w: &ast::Workflow) -> TokenStream {
    let name_str = &w.name.name;
    let name = names::public(name_str);
    let rt = runtime();
    let params: Vec<(&ast::Param, TokenStream)> = w
        .body
        .iter()
        .filter_map(|s| match s {
            ast::Stmt::Param(p) => Some(p),
            _ => None,
        })
        .filter_map(|p| builtin_type(&p.ty.name).map(|ty| (p, ty)))
        .collect();
    let fields = params.iter().map(|(p, ty)| {
        let field = names::public(&p.name.name);
        quote!(pub #field: #ty)
    });
    let args = params
        .iter()
        .filter(|(p, _)| p.default.is_none())
        .map(|(p, ty)| {
            let field = names::public(&p.name.name);
            quote!(#field: #ty)
        });
    let values = params.iter().map(|(p, _)| {
        let field = names::public(&p.name.name);
        if p.default.is_none() {
            quote!(#field: #field)
        } else {
            quote!(#field: ::std::default::Default::default())
        }
    });
    let all_defaulted = params.iter().all(|(p, _)| p.default.is_some());
    let default = if all_defaulted {
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
        /// Stands in for the workflow, which has errors (see them above).
        pub mod #name {
            #![allow(dead_code, unused_variables, clippy::all)]
            use #rt as __rt;

            /// The workflow's params.
            #[derive(Clone, Debug, PartialEq)]
            pub struct Params { #(#fields,)* }

            impl Params {
                /// The params.
                pub fn new(#(#args),*) -> Self {
                    Params { #(#values,)* }
                }
            }
            #default

            /// The named results of one tick.
            #[derive(Clone, Debug, Default, PartialEq)]
            pub struct Outputs {}

            impl __rt::Outputs for Outputs {
                fn values(&self) -> ::std::vec::Vec<(&'static str, ::std::option::Option<__rt::Value>)> {
                    ::std::vec::Vec::new()
                }
            }

            /// The workflow.
            pub struct Workflow {
                params: Params,
            }

            impl Workflow {
                /// Builds the workflow's state.
                pub fn new(params: Params) -> Self {
                    Workflow { params }
                }

                /// The params the workflow was built with.
                pub fn params(&self) -> &Params {
                    &self.params
                }

                /// An in-process run.
                pub fn runner(params: Params) -> __rt::Runner<Workflow> {
                    __rt::Runner::for_workflow(Workflow::new(params))
                }

                /// Runs one tick.
                pub async fn tick(&mut self, cx: &__rt::Ctx, t: &__rt::Tick) -> Outputs {
                    Outputs {}
                }
            }

            impl __rt::Workflow for Workflow {
                const NAME: &'static str = #name_str;
                const INTERVAL: ::std::option::Option<::std::time::Duration> = ::std::option::Option::None;
                const NODE_COUNT: usize = 0;
                const PARAMS: &'static [__rt::ParamSpec] = &[];
                type Outputs = Outputs;

                fn build(values: &__rt::ParamValues) -> ::std::result::Result<Self, __rt::ParamError> {
                    ::std::result::Result::Err(__rt::ParamError::missing(#name_str))
                }

                async fn tick(&mut self, cx: &__rt::Ctx, t: &__rt::Tick) -> Outputs {
                    Outputs {}
                }
            }

            /// Runs the workflow as an executable.
            pub fn main() -> ::std::process::ExitCode {
                __rt::main::<Workflow>()
            }
        }
    }
}

/// The Rust type of a built-in Flow type.
fn builtin_type(name: &str) -> Option<TokenStream> {
    Some(match name {
        "f64" => quote!(::std::primitive::f64),
        "i64" => quote!(::std::primitive::i64),
        "bool" => quote!(::std::primitive::bool),
        "String" => quote!(::std::string::String),
        "Duration" => quote!(::std::time::Duration),
        _ => return None,
    })
}
