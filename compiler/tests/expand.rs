//! The `workflow!` expansion outside the compiler: one front end (the tokens of every
//! template expand to exactly the code `flowc` generates from its file), errors on the
//! right tokens, the file form, and no panic and well-formed Rust for any input.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use flow_compiler::codegen::{Config, codegen};
use flow_compiler::expand::{expand, expand_in};
use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

fn examples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("examples exist")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable");
            (
                p.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                text,
            )
        })
        .collect();
    out.sort();
    out
}

/// The `compile_error!` messages of an expansion, in order.
fn errors(tokens: &TokenStream) -> Vec<(String, proc_macro2::Span)> {
    let toks: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if let TokenTree::Ident(id) = t
            && id == "compile_error"
            && let Some(TokenTree::Group(g)) = toks.get(i + 2)
            && let Some(TokenTree::Literal(l)) = g.stream().into_iter().next()
        {
            let lit: syn::LitStr = syn::parse2(TokenTree::Literal(l).into()).expect("a string");
            out.push((lit.value(), id.span()));
        }
    }
    out
}

fn assert_rust(tokens: &TokenStream, what: &str) {
    if let Err(e) = syn::parse2::<syn::File>(tokens.clone()) {
        panic!("{what}: the expansion is not Rust items: {e}\n{tokens}");
    }
}

#[test]
fn every_template_expands_to_what_flowc_generates() {
    for (name, text) in examples() {
        let tokens =
            TokenStream::from_str(&text).unwrap_or_else(|e| panic!("{name} lexes as Rust: {e}"));
        let expanded = expand(tokens);
        assert!(
            errors(&expanded).is_empty(),
            "{name}: {:?}",
            errors(&expanded)
        );
        assert_rust(&expanded, &name);

        // The same items the code generator makes from the file itself.
        let analysis = flow_compiler::analyze(&name, &text, &mut flow_compiler::check::NoFiles);
        let graph = &analysis.graphs[0];
        let config = Config {
            comments: false,
            ..Config::default()
        };
        let items = codegen(graph, &config).to_string();
        assert!(
            expanded.to_string().contains(&items),
            "{name}: the macro's module holds the generated items"
        );
        let module = format!("pub mod {}", graph.name);
        assert!(expanded.to_string().contains(&module), "{name}");
    }
}

#[test]
fn errors_sit_on_the_tokens_they_are_about() {
    let src = "workflow w {\n    node px = binance.price(pair: \"BTCUSDT\")\n    output p = px.prise\n}\n";
    let expanded = expand(TokenStream::from_str(src).expect("lexes"));
    let errs = errors(&expanded);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let (message, span) = &errs[0];
    assert!(message.starts_with("[E0104] "), "{message}");
    assert!(
        message.contains("help: did you mean `px.price`?"),
        "{message}"
    );
    // `prise` is on line 3, column 18 (0-based column 18 after `    output p = px.`).
    assert_eq!((span.start().line, span.start().column), (3, 18));
    // A placeholder module keeps `w::main` and friends.
    assert!(expanded.to_string().contains("pub mod w"));
    assert_rust(&expanded, "an erroneous workflow");
}

#[test]
fn warnings_are_deprecations_on_the_token() {
    let src = "workflow w {\n    param unused: f64 = 1\n    node px = binance.price(pair: \"BTCUSDT\")\n    output p = px.price\n}\n";
    let expanded = expand(TokenStream::from_str(src).expect("lexes"));
    assert!(errors(&expanded).is_empty());
    let text = expanded.to_string();
    assert!(text.contains("deprecated"), "{text}");
    assert!(
        text.contains("[W0002] param `unused` is never used"),
        "{text}"
    );
    assert_rust(&expanded, "a workflow with a warning");
}

#[test]
fn warnings_stay_next_to_errors() {
    // `a` is sound but for a warning; `b` has an error, so both become placeholders.
    let src = "workflow a {\n    param unused: f64 = 1\n    output p = 1\n}\nworkflow b {\n    output p = nowhere.price\n}\n";
    let expanded = expand(TokenStream::from_str(src).expect("lexes"));
    assert_eq!(errors(&expanded).len(), 1);
    assert!(expanded.to_string().contains("[W0002]"), "{expanded}");
    assert_rust(&expanded, "a workflow with an error and a warning");
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flow-expand-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

#[test]
fn the_file_form_reads_the_file_and_tracks_it() {
    let dir = temp_dir("file");
    std::fs::create_dir_all(dir.join("strategies")).expect("mkdir");
    std::fs::write(
        dir.join("strategies/lib.flow"),
        "extern node my.double(x: f64) -> (y: f64) = crate::Double\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("strategies/x.flow"),
        "use \"lib.flow\"\nworkflow x {\n    node px = binance.price(pair: \"BTCUSDT\")\n    node d = my.double(x: px.price)\n    output p = d.y\n}\n",
    )
    .expect("write");
    let expanded = expand_in(quote!(file = "strategies/x.flow"), &dir);
    assert!(errors(&expanded).is_empty(), "{:?}", errors(&expanded));
    assert_rust(&expanded, "the file form");
    let text = expanded.to_string();
    assert!(text.contains("pub mod x"), "{text}");
    assert!(text.contains("include_bytes"), "{text}");
    for file in ["x.flow", "lib.flow"] {
        assert!(text.contains(file), "{file} is tracked: {text}");
    }

    // An error in the file is shown with its snippet, on the path literal.
    std::fs::write(
        dir.join("strategies/bad.flow"),
        "workflow bad {\n    output p = nowhere.price\n}\n",
    )
    .expect("write");
    let expanded = expand_in(quote!(file = "strategies/bad.flow"), &dir);
    let errs = errors(&expanded);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].0.contains("--> strategies/bad.flow:2:16"),
        "{}",
        errs[0].0
    );
    assert!(
        errs[0].0.contains("2 |     output p = nowhere.price"),
        "{}",
        errs[0].0
    );

    let missing = expand_in(quote!(file = "strategies/none.flow"), &dir);
    assert!(
        errors(&missing)[0]
            .0
            .contains("there is no file `strategies/none.flow`")
    );
    let wrong = expand_in(quote!(file = 42), &dir);
    assert!(
        errors(&wrong)[0]
            .0
            .contains("expected `file = \"path/to/workflow.flow\"`")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn malformed_inputs_expand_to_errors_not_panics() {
    let inputs = [
        "",
        "workflow",
        "workflow {}",
        "workflow w",
        "workflow w { node }",
        "workflow w { node a = }",
        "workflow w { output o = (((1 }",
        "workflow w { param p: f64 = 1e999999 }",
        "workflow w { schedule every 0ms }",
        "# [doc = 1] workflow w {}",
        "#![doc = \"inner\"] workflow w {}",
        "workflow r#type {}",
        "workflow self {} workflow self {}",
        "extern node a.b() -> () = ",
        "extern node a.b() -> () = ::",
        "extern node a.b(x: Nope) -> (y: f64) = crate::X workflow w { node n = a.b(x: 1) }",
        "b\"bytes\" 'c' 1u8 r#\"raw\"#",
        "file =",
        "file = \"\"",
        "file = \"a\" \"b\"",
        "fn main() { let x = 1; }",
        "workflow w { node a = x.y() } }",
        "/// doc only",
    ];
    for input in inputs {
        let Ok(tokens) = TokenStream::from_str(input) else {
            continue;
        };
        let expanded = expand_in(tokens, &temp_dir("malformed"));
        assert_rust(&expanded, input);
    }
}

mod random {
    use super::*;
    use proptest::prelude::*;

    const VOCABULARY: &[&str] = &[
        "workflow", "w", "node", "param", "output", "schedule", "every", "once", "when", "with",
        "extern", "use", "io", "effect", "type", "prev", "and", "or", "not", "true", "x", "y",
        "binance", "price", "ta", "rsi", "pair", "=", ":", "::", ".", ",", "->", "<=", "==", "+",
        "-", "*", "/", "{", "}", "(", ")", "1", "2.5", "250ms", "1e-3", "\"s\"", "/// d\n", "#",
        "[", "]", "f64", "i64", "String", "crate", "self", "@", "$", "?",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn any_token_soup_expands_to_rust(words in proptest::collection::vec(0..VOCABULARY.len(), 0..40)) {
            let text: Vec<&str> = words.iter().map(|&i| VOCABULARY[i]).collect();
            let text = text.join(" ");
            if let Ok(tokens) = TokenStream::from_str(&text) {
                let expanded = expand_in(tokens, Path::new("/nonexistent"));
                prop_assert!(syn::parse2::<syn::File>(expanded.clone()).is_ok(), "{text}\n{expanded}");
            }
        }
    }
}
