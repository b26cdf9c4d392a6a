//! Code generation: a [`CheckedGraph`] becomes straight-line async Rust with a static
//! schedule, linked against the runtime.
//!
//! The shape of the output:
//! - one `Workflow` struct holding every node's state (a runtime `Slot` per node, which also
//!   holds its circuit breaker), the params and the `prev` cells; it lives across ticks;
//! - a `tick` method that runs the stages in order: within a stage, compute nodes are plain
//!   calls and I/O nodes are awaited together with one `join!`; values live in typed locals
//!   (`Option<Out>` per node, `None` when the node was skipped or failed);
//! - flows larger than [`Config::split_threshold`] nodes are split into methods, with the
//!   values in a typed struct instead of locals: per stage, plain methods of at most 64
//!   compute nodes and one async method joining its I/O nodes (wide stages as a tree of
//!   `join!`s of at most 32), so rustc's time stays linear in the size.
//!
//! Code generation takes only a checked graph and cannot fail: every user-facing error was
//! reported by `parse` or `check`.

mod abi;
mod api;
mod expr;
pub(crate) mod names;
mod schedule;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::graph::{CheckedGraph, NodeId, ParamId, PrevId, Type};

pub use api::params_api;
pub use schedule::schedule_text;

/// How to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// The path through which generated code reaches the runtime.
    pub runtime: TokenStream,
    /// Emit a `fn main` that runs the workflow as an executable.
    pub main: bool,
    /// Emit `// Stage N: ...` comments (only the text form can carry comments; the macro
    /// form turns this off).
    pub comments: bool,
    /// Flows with more nodes than this are split into methods per stage.
    pub split_threshold: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            runtime: quote!(::flow_runtime::__private),
            main: true,
            comments: true,
            split_threshold: 256,
        }
    }
}

/// Generates the Rust items for one checked workflow.
pub fn codegen(graph: &CheckedGraph, config: &Config) -> TokenStream {
    // Everything refers to the runtime through one alias, imported once at the top.
    let alias = quote!(__rt);
    Gen::new(graph, config, &alias).file()
}

/// Generates the workflow and renders it as formatted Rust source text.
pub fn emit(graph: &CheckedGraph, config: &Config) -> String {
    let tokens = codegen(graph, config);
    // The tokens come from our own generator, so they always parse; should they ever not,
    // the unformatted tokens are still valid input for rustc and better than nothing.
    let text = match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    };
    abi::markers_to_comments(&text)
}

struct Gen<'a> {
    g: &'a CheckedGraph,
    cfg: &'a Config,
    rt: &'a TokenStream,
    /// The methods of a split flow, in order (empty when the flow is not split).
    parts: Vec<Part>,
    /// For each node of a split flow, the index of its part.
    part_of: Vec<usize>,
}

/// One method of a split flow: a chunk of at most [`COMPUTE_CHUNK`] of a stage's compute
/// nodes, or all of its I/O nodes (awaited together).
struct Part {
    stage: usize,
    io: bool,
    nodes: Vec<NodeId>,
}

/// A split flow's parts, stage by stage: compute chunks first, then the I/O nodes.
fn parts(graph: &CheckedGraph) -> Vec<Part> {
    let mut parts = Vec::new();
    for (stage, ids) in graph.stages.iter().enumerate() {
        let (io, compute): (Vec<NodeId>, Vec<NodeId>) = ids
            .iter()
            .partition(|id| graph.nodes[id.0 as usize].kind.io);
        for chunk in compute.chunks(COMPUTE_CHUNK) {
            parts.push(Part {
                stage,
                io: false,
                nodes: chunk.to_vec(),
            });
        }
        if !io.is_empty() {
            parts.push(Part {
                stage,
                io: true,
                nodes: io,
            });
        }
    }
    parts
}

/// How a node's value is referred to: a local of `tick`, or a field of the values struct
/// when the flow is split into one method per stage.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Storage {
    Locals,
    Struct,
}

impl<'a> Gen<'a> {
    fn new(g: &'a CheckedGraph, cfg: &'a Config, rt: &'a TokenStream) -> Self {
        let parts = if g.nodes.len() > cfg.split_threshold {
            parts(g)
        } else {
            Vec::new()
        };
        let mut part_of = vec![0; g.nodes.len()];
        for (k, part) in parts.iter().enumerate() {
            for id in &part.nodes {
                part_of[id.0 as usize] = k;
            }
        }
        Gen {
            g,
            cfg,
            rt,
            parts,
            part_of,
        }
    }

    fn node(&self, id: NodeId) -> &crate::graph::Node {
        &self.g.nodes[id.0 as usize]
    }

    fn split(&self) -> bool {
        self.g.nodes.len() > self.cfg.split_threshold
    }

    fn rust_type(&self, ty: &Type) -> TokenStream {
        let rt = self.rt;
        match ty {
            Type::F64 => quote!(::std::primitive::f64),
            Type::I64 => quote!(::std::primitive::i64),
            Type::Bool => quote!(::std::primitive::bool),
            Type::String => quote!(::std::string::String),
            Type::Duration => quote!(::std::time::Duration),
            Type::Domain(name) => {
                let ident = names::public(name);
                quote!(#rt::types::#ident)
            }
        }
    }

    fn file(&self) -> TokenStream {
        let rt = self.rt;
        let workflow_doc = doc_text(
            self.g.doc.as_deref(),
            &format!("The `{}` workflow.", self.g.name),
        );
        let state_fields = self.g.nodes.iter().map(|n| {
            let field = names::prefixed("n_", &n.name);
            let module = names::kind_module(rt, &n.kind.path);
            quote!(#field: #rt::Slot<#module::Node>)
        });
        let state_init = self.g.nodes.iter().map(|n| {
            let field = names::prefixed("n_", &n.name);
            let id = &n.name;
            quote!(#field: #rt::Slot::named(#id))
        });
        let prev_fields = self.g.prevs.iter().map(|p| {
            let field = prev_field(p.id);
            let ty = self.rust_type(&p.ty);
            quote!(#field: #ty)
        });
        let prev_init: Vec<TokenStream> = self
            .g
            .prevs
            .iter()
            .map(|p| {
                let field = prev_field(p.id);
                let value = expr::lower(
                    &p.init,
                    &ConstPlaces {
                        graph: self.g,
                        base: Some(quote!(params)),
                    },
                );
                quote!(#field: #value)
            })
            .collect();
        let params = self.params_items();
        let outputs = self.outputs_struct();
        let metas = self.metas();
        let (tick, tick_items) = self.tick_fn();
        let workflow_impl = abi::workflow_impl(self);
        let main = if self.cfg.main {
            abi::main_fn(rt)
        } else {
            quote!()
        };
        let root = &self.cfg.runtime;
        quote! {
            use #root as __rt;

            #params
            #outputs
            #metas

            #[doc = #workflow_doc]
            pub struct Workflow {
                params: Params,
                #(#state_fields,)*
                #(#prev_fields,)*
            }

            // Generated expressions keep their grouping parentheses, and nodes no one reads
            // still get a local: both are fine here.
            #[allow(unused_parens, unused_variables)]
            impl Workflow {
                /// Builds the workflow's state for a run with these params.
                pub fn new(params: Params) -> Self {
                    Workflow {
                        #(#prev_init,)*
                        #(#state_init,)*
                        params,
                    }
                }

                /// The params this run was built with.
                pub fn params(&self) -> &Params {
                    &self.params
                }

                #tick
            }

            #tick_items
            #workflow_impl
            #main
        }
    }

    fn params_items(&self) -> TokenStream {
        let fields = self.g.params.iter().map(|p| {
            let name = names::public(&p.name);
            let ty = self.rust_type(&p.ty);
            let doc = doc_text(p.doc.as_deref(), &format!("The `{}` param.", p.name));
            quote!(#[doc = #doc] pub #name: #ty)
        });
        quote! {
            /// The workflow's params: constants of a run, overridable with `--param NAME=VALUE`.
            #[derive(Clone, Debug, PartialEq)]
            pub struct Params {
                #(#fields,)*
            }
        }
    }

    fn outputs_struct(&self) -> TokenStream {
        let fields = self.g.outputs.iter().map(|o| {
            let name = names::public(&o.name);
            let ty = self.rust_type(&o.ty);
            let doc = format!(
                " The `{}` output; `None` when a node it reads did not run this tick.",
                o.name
            );
            quote!(#[doc = #doc] pub #name: ::std::option::Option<#ty>)
        });
        quote! {
            /// The named results of one tick.
            #[derive(Clone, Debug, Default, PartialEq)]
            pub struct Outputs {
                #(#fields,)*
            }
        }
    }

    fn metas(&self) -> TokenStream {
        let rt = self.rt;
        let count = self.g.nodes.len();
        let metas = self.g.nodes.iter().map(|n| abi::node_meta(rt, n));
        quote! {
            /// Static facts about each node, indexed by node id (topological order).
            static NODES: [#rt::NodeMeta; #count] = [#(#metas),*];
        }
    }

    /// The `tick` method (with, for split flows, the per-stage methods it calls), and the
    /// module-level items it needs (the split form's `Values` struct).
    fn tick_fn(&self) -> (TokenStream, TokenStream) {
        let rt = self.rt;
        let outputs = self.outputs_value(if self.split() {
            Storage::Struct
        } else {
            Storage::Locals
        });
        let prevs = self.prev_updates(if self.split() {
            Storage::Struct
        } else {
            Storage::Locals
        });
        if !self.split() {
            let stages = self
                .g
                .stages
                .iter()
                .enumerate()
                .map(|(i, s)| self.stage(i, s, Storage::Locals));
            let tick = quote! {
                /// Runs one tick: every stage in order, then the `prev` cells and the outputs.
                pub async fn tick(&mut self, cx: &#rt::Ctx, t: &#rt::Tick<'_>) -> Outputs {
                    #(#stages)*
                    #prevs
                    #outputs
                }
            };
            (tick, TokenStream::new())
        } else {
            // Each part (a chunk of a stage's compute nodes, or all of its I/O nodes) becomes
            // one method, and keeps its nodes' values in a struct of its own: small plain
            // functions and small structs keep rustc's time linear in the flow's size (it
            // finds a field by scanning its struct), and only the I/O parts are async.
            let mut stage_fns = Vec::new();
            let mut calls = Vec::new();
            let mut groups = Vec::new();
            let mut group_fields = Vec::new();
            for (k, part) in self.parts.iter().enumerate() {
                let doc = format!(" {}", stage_doc(self, part.stage, &part.nodes));
                if part.io {
                    let name = format_ident!("stage_{}_io", part.stage);
                    let body = self.io_calls(&part.nodes, Storage::Struct);
                    stage_fns.push(quote! {
                        #[doc = #doc]
                        async fn #name(&mut self, cx: &#rt::Ctx, t: &#rt::Tick<'_>, vals: &mut Values) {
                            #body
                        }
                    });
                    calls.push(quote!(self.#name(cx, t, vals).await;));
                } else {
                    let name = format_ident!("stage_{}_{}", part.stage, k);
                    let body = self.compute_calls(&part.nodes, Storage::Struct);
                    stage_fns.push(quote! {
                        #[doc = #doc]
                        fn #name(&mut self, cx: &#rt::Ctx, t: &#rt::Tick<'_>, vals: &mut Values) {
                            #body
                        }
                    });
                    calls.push(quote!(self.#name(cx, t, vals);));
                }
                let group = format_ident!("Values{}", k);
                let field = format_ident!("g{}", k);
                let fields = part.nodes.iter().map(|id| {
                    let n = self.node(*id);
                    let name = names::prefixed("v_", &n.name);
                    let module = names::kind_module(rt, &n.kind.path);
                    quote!(#name: ::std::option::Option<#module::Out>)
                });
                groups.push(quote! {
                    #[derive(Default)]
                    struct #group { #(#fields,)* }
                });
                group_fields.push(quote!(#field: #group));
            }
            let tick = quote! {
                /// Runs one tick: every stage in order, then the `prev` cells and the outputs.
                pub async fn tick(&mut self, cx: &#rt::Ctx, t: &#rt::Tick<'_>) -> Outputs {
                    // On the heap: the values of a large flow would make the tick's future
                    // (and every move of it) as large as themselves.
                    let mut vals = ::std::boxed::Box::<Values>::default();
                    let vals = &mut *vals;
                    #(#calls)*
                    #prevs
                    #outputs
                }
                #(#stage_fns)*
            };
            let values = quote! {
                /// Node values of one tick, for flows split into methods: one struct per
                /// method, each holding the values of that method's nodes.
                #[derive(Default)]
                struct Values { #(#group_fields,)* }
                #(#groups)*
            };
            (tick, values)
        }
    }

    /// The code of one stage: the node calls, with skip propagation.
    fn stage(&self, index: usize, stage: &[NodeId], storage: Storage) -> TokenStream {
        let marker = if self.cfg.comments && !self.split() {
            abi::stage_marker(&stage_doc(self, index, stage))
        } else {
            quote!()
        };
        let (io, compute): (Vec<NodeId>, Vec<NodeId>) =
            stage.iter().partition(|id| self.node(**id).kind.io);
        let mut out = marker;
        // Compute nodes first: they are plain calls, and nothing in one stage reads another.
        out.extend(self.compute_calls(&compute, storage));
        out.extend(self.io_calls(&io, storage));
        out
    }

    /// Plain calls of compute nodes of one stage, each guarded by its inputs and `when`.
    fn compute_calls(&self, compute: &[NodeId], storage: Storage) -> TokenStream {
        let mut out = TokenStream::new();
        for id in compute {
            let value = self.value_place(*id, storage);
            let call = self.guarded_call(
                *id,
                storage,
                |input, slot, meta| quote!(#slot.compute(cx, t, #meta, #input)),
            );
            out.extend(quote!(#value = #call;));
        }
        out
    }

    /// The I/O nodes of one stage, awaited together.
    fn io_calls(&self, io: &[NodeId], storage: Storage) -> TokenStream {
        let rt = self.rt;
        let mut out = TokenStream::new();
        match io {
            [] => {}
            [one] => {
                let value = self.value_place(*one, storage);
                let call = self.guarded_call(
                    *one,
                    storage,
                    |input, slot, meta| quote!(#slot.io(cx, t, #meta, #input).await),
                );
                out.extend(quote!(#value = #call;));
            }
            many => {
                // Each I/O node gets its own async block that borrows only its own slot, so
                // one `join!` awaits them together on this task without spawning.
                let mut prepare = TokenStream::new();
                let mut futures = Vec::new();
                let mut bindings = Vec::new();
                for id in many {
                    let n = self.node(*id);
                    let input = format_ident!("in_{}", n.name);
                    let slot_ref = format_ident!("slot_{}", n.name);
                    let field = names::prefixed("n_", &n.name);
                    let meta = meta_ref(*id);
                    let guard =
                        self.guard(*id, storage, quote!(::std::option::Option::Some(input)));
                    prepare.extend(quote! {
                        let #input = #guard;
                        let #slot_ref = &mut self.#field;
                    });
                    let fut = format_ident!("f_{}", n.name);
                    prepare.extend(quote! {
                        let #fut = async move {
                            match #input {
                                ::std::option::Option::Some(input) => #slot_ref.io(cx, t, #meta, input).await,
                                ::std::option::Option::None => ::std::option::Option::None,
                            }
                        };
                    });
                    futures.push(fut);
                    bindings.push(format_ident!("r_{}", n.name));
                }
                let assigns = many.iter().zip(&bindings).map(|(id, b)| {
                    let value = self.value_place(*id, storage);
                    quote!(#value = #b;)
                });
                let items = futures
                    .iter()
                    .zip(&bindings)
                    .map(|(f, b)| (quote!(#f), quote!(#b)))
                    .collect();
                let (joined, pattern) = join_tree(rt, items);
                out.extend(quote! {
                    #prepare
                    let #pattern = #joined;
                    #(#assigns)*
                });
            }
        }
        out
    }

    /// `let v_x` for locals, `vals.g<part>.v_x` for the split form.
    fn value_place(&self, id: NodeId, storage: Storage) -> TokenStream {
        match storage {
            Storage::Locals => {
                let name = names::prefixed("v_", &self.node(id).name);
                quote!(let #name)
            }
            Storage::Struct => self.value_ref(id, storage),
        }
    }

    fn value_ref(&self, id: NodeId, storage: Storage) -> TokenStream {
        let name = names::prefixed("v_", &self.node(id).name);
        match storage {
            Storage::Locals => quote!(#name),
            Storage::Struct => {
                let group = format_ident!("g{}", self.part_of[id.0 as usize]);
                quote!(vals.#group.#name)
            }
        }
    }

    /// The call of one node wrapped in its guards: it runs only when every node it reads ran
    /// and its `when` holds; otherwise the skip is recorded with its reason.
    fn guarded_call(
        &self,
        id: NodeId,
        storage: Storage,
        call: impl FnOnce(TokenStream, TokenStream, TokenStream) -> TokenStream,
    ) -> TokenStream {
        let field = names::prefixed("n_", &self.node(id).name);
        let body = call(quote!(input), quote!(self.#field), meta_ref(id));
        self.guard(id, storage, body)
    }

    /// Wraps `body` (which may use the local `input`, the node's `In` value) in the checks
    /// that decide whether the node runs; evaluates to `Option<_>`.
    fn guard(&self, id: NodeId, storage: Storage, body: TokenStream) -> TokenStream {
        let n = self.node(id);
        let rt = self.rt;
        let meta = meta_ref(id);
        let module = names::kind_module(rt, &n.kind.path);
        let places = TickPlaces { cg: self, storage };
        let fields = n.args.iter().map(|a| {
            let port = names::public(&a.port);
            let value = expr::lower(&a.value, &places);
            quote!(#port: #value)
        });
        let input = quote!(#module::In { #(#fields,)* });
        let when_body = match &n.when {
            Some(cond) => {
                let cond = expr::lower(cond, &places);
                quote! {
                    if #cond {
                        let input = #input;
                        #body
                    } else {
                        t.skip(#meta, #rt::SkipReason::When);
                        ::std::option::Option::None
                    }
                }
            }
            None => quote! {
                let input = #input;
                #body
            },
        };
        if n.deps.is_empty() {
            return quote!({ #when_body });
        }
        let deps: Vec<&crate::graph::Node> = n.deps.iter().map(|d| self.node(*d)).collect();
        let scrutinee = deps.iter().map(|d| self.value_ref(d.id, storage));
        let patterns = deps.iter().map(|d| {
            let bound = names::prefixed("d_", &d.name);
            quote!(::std::option::Option::Some(#bound))
        });
        let upstream = deps.iter().map(|d| {
            let value = self.value_ref(d.id, storage);
            let name = &d.name;
            quote!((#name, #value.is_some()))
        });
        quote! {
            match (#(&#scrutinee,)*) {
                (#(#patterns,)*) => { #when_body }
                _ => {
                    t.skip(#meta, #rt::SkipReason::upstream(&[#(#upstream),*]));
                    ::std::option::Option::None
                }
            }
        }
    }

    /// Evaluates every `prev` cell's expression at the end of the tick; a cell whose
    /// expression reads a node that did not run keeps its value.
    fn prev_updates(&self, storage: Storage) -> TokenStream {
        let places = TickPlaces { cg: self, storage };
        self.g
            .prevs
            .iter()
            .map(|p| {
                let field = prev_field(p.id);
                let value = expr::lower(&p.expr, &places);
                self.when_ran(&p.expr, storage, quote!(self.#field = #value;), quote!())
            })
            .collect()
    }

    fn outputs_value(&self, storage: Storage) -> TokenStream {
        let places = TickPlaces { cg: self, storage };
        let fields = self.g.outputs.iter().map(|o| {
            let name = names::public(&o.name);
            let value = expr::lower(&o.value, &places);
            let value = self.when_ran(
                &o.value,
                storage,
                quote!(::std::option::Option::Some(#value)),
                quote!(::std::option::Option::None),
            );
            quote!(#name: #value)
        });
        quote!(Outputs { #(#fields,)* })
    }

    /// `then` when every node `expr` reads ran this tick (with `d_x` bound to their outputs),
    /// `otherwise` when any did not.
    fn when_ran(
        &self,
        e: &crate::graph::Expr,
        storage: Storage,
        then: TokenStream,
        otherwise: TokenStream,
    ) -> TokenStream {
        let mut read = Vec::new();
        expr::reads(e, &mut read);
        if read.is_empty() {
            return quote!({ #then });
        }
        let scrutinee = read.iter().map(|d| self.value_ref(*d, storage));
        let patterns = read.iter().map(|d| {
            let bound = names::prefixed("d_", &self.node(*d).name);
            quote!(::std::option::Option::Some(#bound))
        });
        quote! {
            match (#(&#scrutinee,)*) {
                (#(#patterns,)*) => { #then }
                _ => { #otherwise }
            }
        }
    }
}

/// A doc comment's text as `#[doc]` wants it: each line after a space, so it renders as
/// `/// text`.
fn doc_text(doc: Option<&str>, fallback: &str) -> String {
    doc.unwrap_or(fallback)
        .lines()
        .map(|l| format!(" {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn prev_field(id: PrevId) -> proc_macro2::Ident {
    format_ident!("prev_{}", id.0)
}

fn meta_ref(id: NodeId) -> TokenStream {
    let index = id.0 as usize;
    quote!(&NODES[#index])
}

fn stage_doc(cg: &Gen<'_>, index: usize, stage: &[NodeId]) -> String {
    let names: Vec<&str> = stage.iter().map(|id| cg.node(*id).name.as_str()).collect();
    format!("Stage {index}: {}", names.join(", "))
}

/// Places for expressions evaluated inside a tick: outputs of nodes that ran are bound as
/// `d_<name>` by the surrounding guard.
/// The most compute nodes in one method of a split flow.
const COMPUTE_CHUNK: usize = 64;

/// The most futures one `join!` awaits. tokio's `join!` recurses once per future while
/// expanding (the default recursion limit of 128 fails at about 120), so wider stages are
/// joined as a tree: groups of this many, each an `async move` block with its own `join!`.
const JOIN_WIDTH: usize = 32;

/// One expression that awaits every future of `items` (future, result pattern) concurrently,
/// and the tuple pattern its value destructures into.
fn join_tree(
    rt: &TokenStream,
    items: Vec<(TokenStream, TokenStream)>,
) -> (TokenStream, TokenStream) {
    if items.len() <= JOIN_WIDTH {
        let (futures, patterns): (Vec<_>, Vec<_>) = items.into_iter().unzip();
        return (
            quote!(#rt::tokio::join!(#(#futures),*)),
            quote!((#(#patterns,)*)),
        );
    }
    let mut groups = Vec::new();
    let mut rest = items.into_iter().peekable();
    while rest.peek().is_some() {
        let chunk: Vec<_> = rest.by_ref().take(JOIN_WIDTH).collect();
        let (joined, pattern) = join_tree(rt, chunk);
        groups.push((quote!(async move { #joined }), pattern));
    }
    join_tree(rt, groups)
}

struct TickPlaces<'a, 'b> {
    cg: &'a Gen<'b>,
    storage: Storage,
}

impl expr::Places for TickPlaces<'_, '_> {
    fn port(&self, node: NodeId, port: u32) -> TokenStream {
        let n = self.cg.node(node);
        let bound = names::prefixed("d_", &n.name);
        let field = n
            .kind
            .outputs
            .get(port as usize)
            .map(|p| names::public(&p.name));
        match field {
            Some(field) => quote!(#bound.#field),
            // The checker only produces valid port indices; stay well-typed regardless.
            None => quote!(#bound),
        }
    }

    fn param(&self, param: ParamId) -> TokenStream {
        let _ = self.storage;
        match self.cg.g.params.get(param.0 as usize) {
            Some(p) => {
                let name = names::public(&p.name);
                quote!(self.params.#name)
            }
            None => quote!(()),
        }
    }

    fn prev(&self, prev: PrevId) -> TokenStream {
        let field = prev_field(prev);
        quote!(self.#field)
    }
}

/// Places for constant expressions (param defaults, `prev` initial values): params are
/// read from `<base><name>`, e.g. `params.pair` or a local `p_pair`. Constant expressions
/// never read nodes or `prev` cells (the checker enforces it).
pub(super) struct ConstPlaces<'a> {
    pub(super) graph: &'a CheckedGraph,
    /// `Some(params)` for field access on a `Params` value, `None` for `p_<name>` locals.
    pub(super) base: Option<TokenStream>,
}

impl expr::Places for ConstPlaces<'_> {
    fn port(&self, _node: NodeId, _port: u32) -> TokenStream {
        quote!(())
    }

    fn param(&self, param: ParamId) -> TokenStream {
        let Some(p) = self.graph.params.get(param.0 as usize) else {
            return quote!(());
        };
        match &self.base {
            Some(base) => {
                let name = names::public(&p.name);
                quote!(#base.#name)
            }
            None => {
                let local = names::prefixed("p_", &p.name);
                quote!(#local)
            }
        }
    }

    fn prev(&self, _prev: PrevId) -> TokenStream {
        quote!(())
    }
}
