//! Parse and check never panic: random token soup, random characters, and every
//! truncation of every valid case file.

use std::path::Path;

use proptest::prelude::*;

use flow_compiler::check::NoFiles;

/// Runs the whole front end on `text`; the test fails only by panicking, or when the
/// parser's fast path and the pest grammar disagree.
fn front_end(text: &str) {
    assert_eq!(
        flow_compiler::parse(text),
        flow_compiler::syntax::parse_pest_only(text),
        "the fast path and the grammar disagree on:\n{text}"
    );
    let analysis = flow_compiler::analyze("fuzz.flow", text, &mut NoFiles);
    // Rendering touches every span: none may point outside the text. (The graphical
    // renderer is slow in debug builds, so it draws only the first few.)
    for (i, d) in analysis.diagnostics.iter().enumerate() {
        let _ = flow_compiler::diagnostics::json::render(d, &analysis.sources);
        let _ = flow_compiler::diagnostics::short::render(d, &analysis.sources);
        #[cfg(feature = "fancy")]
        if i < 3 {
            let _ = flow_compiler::diagnostics::human::render(
                d,
                &analysis.sources,
                flow_compiler::diagnostics::human::Style::PLAIN,
            );
        }
    }
}

const TOKENS: &[&str] = &[
    "workflow",
    "param",
    "schedule",
    "every",
    "once",
    "node",
    "when",
    "with",
    "output",
    "extern",
    "use",
    "true",
    "false",
    "and",
    "or",
    "not",
    "prev",
    "io",
    "effect",
    "type",
    "inf",
    "abs",
    "min",
    "max",
    "px",
    "rsi",
    "a",
    "b",
    "binance.price",
    "ta.rsi",
    "trade.buy",
    "cond.and",
    ".",
    "price",
    "value",
    "ready",
    "pair",
    "input",
    "period",
    "amount",
    "f64",
    "i64",
    "bool",
    "String",
    "Duration",
    "OrderBook",
    "0",
    "14",
    "1_000",
    "0.5",
    "1e-3",
    "1e999",
    "99999999999999999999",
    "250ms",
    "1.5s",
    "5m",
    "1h",
    "1d",
    "0s",
    "5x",
    "1.0001s",
    "\"BTCUSDT\"",
    "\"esc\\q\"",
    "\"open",
    "\"\\u{1F600}\"",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "=",
    "->",
    "+",
    "-",
    "*",
    "/",
    "<",
    "<=",
    ">",
    ">=",
    "==",
    "!=",
    ";",
    "#",
    "@",
    "é",
    "€",
    "\n",
    "\n",
    "\n",
    "/// doc\n",
    "// comment\n",
    "\t",
    "\\",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec((0..TOKENS.len(), prop::bool::ANY), 0..120).prop_map(|picks| {
        let mut out = String::new();
        for (i, space) in picks {
            out.push_str(TOKENS[i]);
            if space {
                out.push(' ');
            }
        }
        out
    })
}

/// A random well-formed expression over a few names, literals and every operator.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("px.price".to_owned()),
        Just("rsi.ready".to_owned()),
        Just("size".to_owned()),
        Just("inf".to_owned()),
        (0u32..1000).prop_map(|n| n.to_string()),
        (0u32..1000).prop_map(|n| format!("{n}.5")),
        Just("1e-3".to_owned()),
        Just("250ms".to_owned()),
        Just("\"BTC\"".to_owned()),
        Just("true".to_owned()),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        let ops = [
            "+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or",
        ];
        prop_oneof![
            (inner.clone(), 0..ops.len(), inner.clone())
                .prop_map(move |(a, op, b)| format!("{a} {} {b}", ops[op])),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("prev({a}, {b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("max({a},{b})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn token_soup_never_panics(text in soup()) {
        front_end(&text);
    }

    #[test]
    fn token_soup_inside_a_workflow_never_panics(text in soup()) {
        front_end(&format!("workflow w {{\n node px = binance.price(pair: \"x\")\n {text}\n}}"));
    }

    #[test]
    fn the_fast_path_agrees_with_the_grammar(a in expression(), b in expression(), c in expression()) {
        front_end(&format!(
            "workflow w {{\n    /// doc\n    param size: f64 = {a}\n    node x = ta.sma(input: {b}, period: 3,)\n        when {c}\n        with {{ retry: 1, timeout: 2s }}\n    output o = {a} // note\n    schedule every {b}\n}}"
        ));
    }

    #[test]
    fn random_characters_never_panic(chars in prop::collection::vec(any::<char>(), 0..200)) {
        front_end(&chars.into_iter().collect::<String>());
    }
}

/// Every prefix of every valid case file and example (and a few hundred of the
/// prelude's) goes through the front end without a panic.
#[test]
fn every_truncation_of_valid_files_never_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let prelude = root.join("runtime/prelude.flow");
    let mut files = vec![prelude.clone()];
    for dir in [
        "tests/cases/syntax/ok",
        "tests/cases/check/ok",
        "tests/cases/check/lib",
        "examples",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).expect("the case directory exists") {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == "flow") {
                files.push(path);
            }
        }
    }
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        // Every prefix goes through parse and check; a few hundred of them (and the whole
        // file) also through the differential comparison and the renderers, which are
        // slow in debug builds.
        let step = (boundaries.len() / 300).max(1);
        for (k, &end) in boundaries.iter().enumerate() {
            let prefix = &text[..end];
            if k % step == 0 {
                front_end(prefix);
            } else if path != prelude {
                // The prelude is long and all declarations, which pest parses slowly in
                // debug builds: only its sampled prefixes run.
                let _ = flow_compiler::analyze("fuzz.flow", prefix, &mut NoFiles);
            }
        }
        front_end(&text);
    }
}
