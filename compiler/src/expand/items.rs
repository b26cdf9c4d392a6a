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
//! adapter around the user's type with the declared ports ([`leaf_module`]), where a
//! mismatch between the declaration and the type is reported on the declaration's tokens.
//! The code generator is unchanged.

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
pub(crate) fn module(
    g: &CheckedGraph,
    users: &[UserKind<'_>],
    locate: Locate<'_>,
    extra: TokenStream,
) -> TokenStream {
    let name = names::public(&g.name);
    let used: Vec<&UserKind<'_>> = users
        .iter()
        .filter(|u| g.nodes.iter().any(|n| n.kind.dotted() == u.dotted()))
        .collect();
    let (root, shadow) = if used.is_empty() {
        (runtime(), quote!())
    } else {
        (quote!(self::__flow_rt), shadow_runtime(&used, locate))
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
fn shadow_runtime(used: &[&UserKind<'_>], locate: Locate<'_>) -> TokenStream {
    let rt = runtime();
    let tree = namespace(used, &[], locate);
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
fn namespace(kinds: &[&UserKind<'_>], prefix: &[String], locate: Locate<'_>) -> TokenStream {
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
            Some(k) => leaf_module(k, path.len(), locate),
            None => {
                let glob = runtime_glob(&path);
                let inner = namespace(kinds, &path, locate);
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

/// The leaf module of a user kind, `depth` modules below `nodes`: an adapter `Node` with
/// the declared `In` and `Out`, wrapping the user's type.
///
/// The generated workflow code sees only the declared ports, so it always type-checks;
/// the adapter converts to and from the user's `NodeKind::In` and `NodeKind::Out` with
/// struct literals and an exhaustive pattern placed on the declaration's tokens. A
/// mismatch is therefore reported there, once: an unknown port on the port's name, a
/// missing or extra one on the kind's path, a port of another type on the declared type,
/// a type that is not a `NodeKind` (or not `Compute` for a plain kind, `Io` for an `io` or
/// `effect` one) on the bound path. The declaration decides `KIND` and `EFFECT`.
fn leaf_module(k: &UserKind<'_>, depth: usize, locate: Locate<'_>) -> TokenStream {
    let rt = runtime();
    let call_site = |_: crate::span::Span| (Span::call_site(), Span::call_site());
    let locate: Locate<'_> = if k.local { locate } else { &call_site };
    // From the leaf up to the module that invoked the macro: the leaf itself, `depth - 1`
    // namespaces, `nodes`, `__flow_rt` and the workflow's module.
    let user = relative_path(k.binding, depth + 3, locate);
    let bound_span = locate(k.binding.span).0;
    let kind_span = locate(k.decl.path.span).0;
    let dotted = k.dotted();
    let effect = k.decl.class == NodeClass::Effect;

    let declared = |ports: &[ast::PortDecl]| -> Vec<TokenStream> {
        ports
            .iter()
            .map(|p| {
                let name = names::public(&p.name.name);
                let ty = port_type(&p.ty.name).unwrap_or_else(|| quote!(()));
                let doc = format!(" The `{}` port.", p.name.name);
                quote!(#[doc = #doc] pub #name: #ty)
            })
            .collect()
    };
    let in_fields = declared(&k.decl.inputs);
    let out_fields = declared(&k.decl.outputs);

    // `UserIn { a: input.a, .. }`: each field on the port's name, each value on its type.
    let in_values = k.decl.inputs.iter().map(|p| {
        let field = spanned(&p.name.name, locate(p.name.span).0);
        let ty_span = locate(p.ty.span).0;
        let read = names::public(&p.name.name);
        quote_spanned!(ty_span=> #field: input.#read)
    });
    let user_in = Ident::new("UserIn", kind_span);
    let make_input = quote_spanned!(kind_span=> #user_in { #(#in_values,)* });

    // `let UserOut { a: v_a, .. } = output;`, then each value checked against its type.
    let out_pattern = k.decl.outputs.iter().map(|p| {
        let field = spanned(&p.name.name, locate(p.name.span).0);
        let local = format_ident!("v_{}", p.name.name, span = kind_span);
        quote_spanned!(kind_span=> #field: #local)
    });
    let user_out = Ident::new("UserOut", kind_span);
    let take_output = quote_spanned!(kind_span=> let #user_out { #(#out_pattern,)* .. } = output;);
    // Every field of the type's `Out` must be declared: a struct literal of exactly the
    // declared ports says so ("missing field `x` in initializer"), on the kind's path. (An
    // exhaustive pattern would too, but rustc would then suggest edits of the declaration's
    // text as if it were Rust.)
    let all_fields = k.decl.outputs.iter().map(|p| {
        let field = spanned(&p.name.name, kind_span);
        quote_spanned!(kind_span=> #field: value.#field)
    });
    let every_output = quote_spanned! {kind_span=>
        fn __every_output_is_declared(value: #user_out) -> #user_out {
            #user_out { #(#all_fields,)* }
        }
    };
    let out_checks = k.decl.outputs.iter().map(|p| {
        let ty_span = locate(p.ty.span).0;
        let local = format_ident!("v_{}", p.name.name, span = kind_span);
        let value = format_ident!("v_{}", p.name.name, span = ty_span);
        let ty = respan(port_type(&p.ty.name).unwrap_or_else(|| quote!(())), ty_span);
        quote_spanned!(ty_span=> let #local: #ty = #value;)
    });
    let out_values = k.decl.outputs.iter().map(|p| {
        let name = names::public(&p.name.name);
        let local = format_ident!("v_{}", p.name.name, span = kind_span);
        quote!(#name: #local)
    });

    let user_ty = Ident::new("User", bound_span);
    let (flavour, call, asyncness) = match k.decl.class {
        NodeClass::Pure => (
            quote!(#rt::Compute),
            quote_spanned!(bound_span=> <#user_ty as #rt::Compute>::run(&mut self.0, cx, input)),
            quote!(),
        ),
        NodeClass::Io | NodeClass::Effect => (
            quote!(#rt::Io),
            quote_spanned!(bound_span=> <#user_ty as #rt::Io>::run(&mut self.0, cx, input).await),
            quote!(async),
        ),
    };
    let serde_crate = format!("{rt}::serde").replace(' ', "");
    let doc = format!(" The `{dotted}` node kind, implemented by this crate's type.");
    quote! {
        #![doc = #doc]
        type #user_ty = #user;
        type #user_in = <#user_ty as #rt::NodeKind>::In;
        type #user_out = <#user_ty as #rt::NodeKind>::Out;

        /// The declared input ports.
        #[derive(Clone, Debug)]
        pub struct In { #(#in_fields,)* }

        /// The declared output ports.
        #[derive(Clone, Debug, #rt::serde::Serialize)]
        #[serde(crate = #serde_crate)]
        pub struct Out { #(#out_fields,)* }

        /// The user's type, seen through its declaration.
        pub struct Node(#user_ty);

        #[allow(dead_code)]
        #every_output

        impl #rt::NodeKind for Node {
            const KIND: &'static str = #dotted;
            const EFFECT: bool = #effect;
            type In = In;
            type Out = Out;
            fn new() -> Self {
                Node(<#user_ty as #rt::NodeKind>::new())
            }
        }

        // Ports whose Rust type is `Copy` are read more than once below; fine.
        #[allow(clippy::clone_on_copy, clippy::redundant_field_names)]
        impl #flavour for Node {
            #asyncness fn run(&mut self, cx: &#rt::Ctx, input: In) -> ::std::result::Result<Out, #rt::NodeError> {
                let input = #make_input;
                let output = #call?;
                #take_output
                #(#out_checks)*
                ::std::result::Result::Ok(Out { #(#out_values,)* })
            }
        }
    }
}

/// A Flow name as a Rust identifier on `span`.
fn spanned(name: &str, span: Span) -> Ident {
    let mut id = names::public(name);
    id.set_span(span);
    id
}

/// The binding path as seen from `levels` modules below the invoking module, on the
/// binding's tokens.
fn relative_path(b: &ast::RustPath, levels: usize, locate: Locate<'_>) -> TokenStream {
    let first = b
        .segments
        .first()
        .map_or(Span::call_site(), |s| locate(s.span).0);
    let mut out = TokenStream::new();
    let sep = |out: &mut TokenStream, span: Span| {
        let mut a = Punct::new(':', Spacing::Joint);
        a.set_span(span);
        let mut c = Punct::new(':', Spacing::Alone);
        c.set_span(span);
        out.extend([TokenTree::Punct(a), TokenTree::Punct(c)]);
    };
    let starts_at_crate = matches!(b.segments.first(), Some(s) if s.name == "crate");
    let mut wrote = false;
    if b.global {
        sep(&mut out, first);
    } else if !starts_at_crate {
        for _ in 0..levels {
            if wrote {
                sep(&mut out, first);
            }
            out.extend(Ident::new("super", first).into_token_stream());
            wrote = true;
        }
    }
    for (i, seg) in b.segments.iter().enumerate() {
        // `self::X` names the invoking module, which the `super`s already reach.
        if i == 0 && seg.name == "self" && !b.global {
            continue;
        }
        let span = locate(seg.span).0;
        if wrote {
            sep(&mut out, span);
        }
        out.extend(path_ident(&seg.name, span).into_token_stream());
        wrote = true;
    }
    out
}

/// A path segment as an identifier: keywords that may start a path (`crate`, `self`,
/// `super`) stay as they are, other keywords become raw identifiers.
fn path_ident(seg: &str, span: Span) -> Ident {
    if matches!(seg, "crate" | "self" | "super" | "Self") {
        Ident::new(seg, span)
    } else {
        spanned(seg, span)
    }
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
/// `params` and `runner`, `main`), so code using them still type-checks; `extra` holds the
/// workflow's warnings.
pub(crate) fn placeholder(w: &ast::Workflow, extra: TokenStream) -> TokenStream {
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
                pub async fn tick(&mut self, cx: &__rt::Ctx, t: &__rt::Tick<'_>) -> Outputs {
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

                async fn tick(&mut self, cx: &__rt::Ctx, t: &__rt::Tick<'_>) -> Outputs {
                    Outputs {}
                }
            }

            /// Runs the workflow as an executable.
            pub fn main() -> ::std::process::ExitCode {
                __rt::main::<Workflow>()
            }

            #extra
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
