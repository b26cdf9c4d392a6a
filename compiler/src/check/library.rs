//! The node kinds and domain types in scope: the prelude's, then those of `use`d files
//! and of the file itself, each declaration checked (known types, unique names, constant
//! well-typed defaults).

use std::collections::HashMap;

use super::expr::{Names, Place, Reads, Typer, coerce, mismatch};
use super::suggest::did_you_mean;
use crate::ast::{self, NodeClass};
use crate::diagnostics::{Code, Diagnostic};
use crate::graph::{Kind, PortDecl, Type};
use crate::source::FileId;
use crate::span::Span;

/// The built-in types, by name.
pub(super) const BUILTIN_TYPES: &[&str] = &["f64", "i64", "bool", "String", "Duration"];

fn builtin_type(name: &str) -> Option<Type> {
    Some(match name {
        "f64" => Type::F64,
        "i64" => Type::I64,
        "bool" => Type::Bool,
        "String" => Type::String,
        "Duration" => Type::Duration,
        _ => return None,
    })
}

/// A node kind with where it was declared, for labels and go-to-definition.
#[derive(Debug, Clone)]
pub struct KindDecl {
    pub kind: Kind,
    pub file: FileId,
    /// The whole declaration.
    pub span: Span,
    /// The dotted path in the declaration.
    pub path_span: Span,
    /// Each input port's declaration (`name: type = default`), in order.
    pub input_spans: Vec<Span>,
    /// Each output port's declaration, in order.
    pub output_spans: Vec<Span>,
}

/// A domain type declared with `extern type`.
#[derive(Debug, Clone)]
pub struct TypeDecl {
    pub name: String,
    pub doc: Option<String>,
    pub file: FileId,
    pub span: Span,
}

/// Declarations in scope. Lookups see the local declarations first, then the base
/// (the prelude's), so a check never copies the prelude.
#[derive(Debug, Default)]
pub struct Library {
    base: Option<&'static Library>,
    kinds: Vec<KindDecl>,
    kind_index: HashMap<String, usize>,
    types: Vec<TypeDecl>,
    type_index: HashMap<String, usize>,
}

impl Library {
    /// The kind declared as `dotted` (e.g. `binance.price`).
    pub fn kind(&self, dotted: &str) -> Option<&KindDecl> {
        match self.kind_index.get(dotted) {
            Some(&i) => self.kinds.get(i),
            None => self.base.and_then(|b| b.kind(dotted)),
        }
    }

    /// Every kind in scope: the base's, then the local ones, in declaration order.
    pub fn kinds(&self) -> impl Iterator<Item = &KindDecl> {
        self.base
            .into_iter()
            .flat_map(|b| b.kinds.iter())
            .chain(self.kinds.iter())
    }

    pub fn type_decl(&self, name: &str) -> Option<&TypeDecl> {
        match self.type_index.get(name) {
            Some(&i) => self.types.get(i),
            None => self.base.and_then(|b| b.type_decl(name)),
        }
    }

    /// Every domain type in scope, the base's first.
    pub fn types(&self) -> impl Iterator<Item = &TypeDecl> {
        self.base
            .into_iter()
            .flat_map(|b| b.types.iter())
            .chain(self.types.iter())
    }

    /// The type named `name`, if it is built in or declared.
    pub fn resolve_type(&self, name: &str) -> Option<Type> {
        builtin_type(name).or_else(|| self.type_decl(name).map(|t| Type::Domain(t.name.clone())))
    }

    /// Declares the `extern` items of `files` on top of `base`, reporting each problem in
    /// its file. `broken` holds names declared by declarations that did not parse: types
    /// with those names are not reported as unknown.
    pub fn declare(
        base: Option<&'static Library>,
        files: &[(FileId, &ast::File)],
        diags: &mut Vec<Diagnostic>,
    ) -> Library {
        let mut lib = Library {
            base,
            ..Library::default()
        };
        let broken: Vec<&str> = files
            .iter()
            .flat_map(|(_, f)| f.unparsed.iter())
            .filter_map(|u| u.declares.as_ref().map(|i| i.name.as_str()))
            .collect();
        // Types first, from every file, so declarations may use types declared anywhere.
        for &(file, ast) in files {
            for item in &ast.items {
                if let ast::Item::ExternType(t) = item {
                    lib.declare_type(file, t, diags);
                }
            }
        }
        for &(file, ast) in files {
            for item in &ast.items {
                if let ast::Item::ExternNode(n) = item {
                    lib.declare_kind(file, n, &broken, diags);
                }
            }
        }
        lib
    }

    fn declare_type(&mut self, file: FileId, t: &ast::ExternType, diags: &mut Vec<Diagnostic>) {
        let name = &t.name.name;
        if BUILTIN_TYPES.contains(&name.as_str()) {
            diags.push(
                Diagnostic::new(
                    Code::E0106,
                    format!("`{name}` is a built-in type and cannot be declared"),
                    t.name.span,
                    "built in",
                )
                .with_help("choose another name for the domain type")
                .in_file(file),
            );
            return;
        }
        if let Some(prev) = self.type_decl(name) {
            diags.push(
                Diagnostic::new(
                    Code::E0106,
                    format!("type `{name}` is declared twice"),
                    t.name.span,
                    "declared again here",
                )
                .with_label_in(prev.file, prev.span, "first declared here")
                .with_help("remove one of the declarations")
                .in_file(file),
            );
            return;
        }
        self.type_index.insert(name.clone(), self.types.len());
        self.types.push(TypeDecl {
            name: name.clone(),
            doc: t.doc.as_ref().map(|d| d.text.clone()),
            file,
            span: t.name.span,
        });
    }

    /// The type named by `ty`, reporting E0107 when it is unknown.
    pub(super) fn type_or_report(
        &self,
        ty: &ast::Ident,
        file: FileId,
        broken: &[&str],
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Type> {
        if let Some(t) = self.resolve_type(&ty.name) {
            return Some(t);
        }
        if broken.contains(&ty.name.as_str()) {
            return None;
        }
        let known: Vec<&str> = BUILTIN_TYPES
            .iter()
            .copied()
            .chain(self.types().map(|t| t.name.as_str()))
            .collect();
        let help = match did_you_mean(&ty.name, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "the built-in types are `f64`, `i64`, `bool`, `String` and `Duration`; declare a domain type with `extern type {}`",
                ty.name
            ),
        };
        diags.push(
            Diagnostic::new(
                Code::E0107,
                format!("unknown type `{}`", ty.name),
                ty.span,
                "not a type",
            )
            .with_help(help)
            .in_file(file),
        );
        None
    }

    fn declare_kind(
        &mut self,
        file: FileId,
        n: &ast::ExternNode,
        broken: &[&str],
        diags: &mut Vec<Diagnostic>,
    ) {
        let dotted = n.path.dotted();
        let mut ok = true;
        let mut ports = |decls: &[ast::PortDecl],
                         what: &str,
                         diags: &mut Vec<Diagnostic>|
         -> Vec<PortDecl> {
            let mut out: Vec<PortDecl> = Vec::with_capacity(decls.len());
            for (i, p) in decls.iter().enumerate() {
                if let Some(first) = decls[..i].iter().find(|q| q.name.name == p.name.name) {
                    diags.push(
                        Diagnostic::new(
                            Code::E0106,
                            format!(
                                "{what} port `{}` of `{dotted}` is declared twice",
                                p.name.name
                            ),
                            p.name.span,
                            "declared again here",
                        )
                        .with_label(first.name.span, "first declared here")
                        .with_help("rename or remove one of the ports")
                        .in_file(file),
                    );
                    ok = false;
                    continue;
                }
                let Some(ty) = self.type_or_report(&p.ty, file, broken, diags) else {
                    ok = false;
                    continue;
                };
                let default = match &p.default {
                    None => None,
                    Some(e) => {
                        match port_default(e, &ty, &dotted, &p.name.name, p.ty.span, file, diags) {
                            Some(d) => Some(d),
                            None => {
                                ok = false;
                                None
                            }
                        }
                    }
                };
                out.push(PortDecl {
                    name: p.name.name.clone(),
                    ty,
                    default,
                });
            }
            out
        };
        let inputs = ports(&n.inputs, "input", diags);
        let outputs = ports(&n.outputs, "output", diags);
        if let Some(prev) = self.kind(&dotted) {
            diags.push(
                Diagnostic::new(
                    Code::E0106,
                    format!("node kind `{dotted}` is declared twice"),
                    n.path.span,
                    "declared again here",
                )
                .with_label_in(prev.file, prev.path_span, "first declared here")
                .with_help("remove one of the declarations, or give the new kind another name")
                .in_file(file),
            );
            return;
        }
        // A declaration with a broken port is not registered: its uses would only repeat
        // the problem. Uses of it are then reported as unknown kinds, which says where to look.
        if !ok {
            return;
        }
        let kind = Kind {
            path: n.path.segments.iter().map(|s| s.name.clone()).collect(),
            doc: n.doc.as_ref().map(|d| d.text.clone()),
            io: n.class != NodeClass::Pure,
            effect: n.class == NodeClass::Effect,
            inputs,
            outputs,
        };
        self.kind_index.insert(dotted, self.kinds.len());
        self.kinds.push(KindDecl {
            kind,
            file,
            span: n.span,
            path_span: n.path.span,
            input_spans: n.inputs.iter().map(|p| p.span).collect(),
            output_spans: n.outputs.iter().map(|p| p.span).collect(),
        });
    }
}

/// Types a port's default: a literal (or `inf`, or arithmetic on literals) of the port's type.
fn port_default(
    e: &ast::Expr,
    ty: &Type,
    kind: &str,
    port: &str,
    ty_span: Span,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
) -> Option<crate::graph::Expr> {
    let mut local = Vec::new();
    let mut reads = Reads::default();
    let mut prevs = Vec::new();
    let names = Names::default();
    let mut typer = Typer::new(
        &mut local,
        Some(&names),
        &mut reads,
        &mut prevs,
        Place::Literal("a port's default"),
    );
    let typed = typer.check(e);
    let poisoned = typer.poisoned;
    let result = match typed {
        Some(t) => {
            match coerce(t, ty) {
                Ok(expr) => Some(expr),
                Err(t) => {
                    local.push(mismatch(
                    format!("type mismatch: the default of `{kind}` port `{port}` must be {}, found {}", ty.name(), t.expr.ty.name()),
                    ty,
                    &t,
                    e,
                    Some((file, ty_span, format!("`{port}` is declared {} here", ty.name()))),
                ));
                    None
                }
            }
        }
        None => None,
    };
    diags.extend(local.into_iter().map(|d| d.in_file(file)));
    if poisoned { None } else { result }
}
