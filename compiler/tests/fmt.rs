//! `flowc fmt`: every example and every case that parses formats to a reviewed snapshot,
//! formatting it again changes nothing, and formatting never changes what the file means
//! (the same syntax tree up to positions, the same diagnostics, the same checked graphs).
//! Then the command line: `--check`, rewriting files, refusing files that do not parse.

#![cfg(feature = "cli")]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The syntax tree without positions: `Debug` with every `Span { .. }` removed. Trailing
/// whitespace is dropped first: the formatter trims it from doc comments (no string literal
/// can hold a line end, so nothing else can change).
fn shape(text: &str) -> String {
    let trimmed: String = text
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    let (file, _) = flow_compiler::parse(&trimmed);
    let debug = format!("{file:?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match rest.find('}') {
            Some(end) => rest = &rest[end + 1..],
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// What the checker says about a text: every diagnostic (code and message) and every
/// checked graph.
fn meaning(name: &str, text: &str, dir: &Path) -> String {
    let mut loader = common::CaseLoader {
        dir: dir.to_path_buf(),
    };
    let analysis = flow_compiler::analyze(name, text, &mut loader);
    let mut out = String::new();
    for d in &analysis.diagnostics {
        out.push_str(&format!("{} {}\n", d.code, d.message));
    }
    for g in &analysis.graphs {
        out.push_str(&common::graph_summary(g));
    }
    out
}

/// Formats a case, checks the invariants and returns the formatted text.
fn format_case(path: &Path, name: &str, dir: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("the case is readable");
    let formatted =
        flow_compiler::fmt::format(&text).unwrap_or_else(|d| panic!("{name} should parse: {d:#?}"));
    let again = flow_compiler::fmt::format(&formatted)
        .unwrap_or_else(|d| panic!("{name}: the formatted text should parse: {d:#?}"));
    assert_eq!(
        formatted, again,
        "{name}: formatting twice changed the text"
    );
    assert_eq!(
        shape(&text),
        shape(&formatted),
        "{name}: formatting changed the syntax tree"
    );
    assert_eq!(
        meaning(name, &text, dir),
        meaning(name, &formatted, dir),
        "{name}: formatting changed what the checker says"
    );
    let comments = |t: &str| {
        t.lines()
            .filter_map(|l| l.find("//").map(|i| l[i..].trim_end().to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        comments(&text),
        comments(&formatted),
        "{name}: comments were lost or reordered"
    );
    formatted
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn examples() {
    insta::glob!("../../examples", "*.flow", |path| {
        let name = common::case_name(path);
        let dir = path.parent().expect("examples have a directory");
        insta::assert_snapshot!(format_case(path, &name, dir));
    });
}

#[test]
fn cases_that_parse() {
    insta::glob!("../../tests/cases", "{check,syntax}/ok/*.flow", |path| {
        let dir = path
            .parent()
            .and_then(Path::parent)
            .expect("cases live two levels down");
        let name = format!("ok/{}", common::case_name(path));
        insta::assert_snapshot!(format_case(path, &name, dir));
    });
}

#[test]
fn codegen_cases() {
    insta::glob!("../../tests/cases", "codegen/*.flow", |path| {
        let dir = path.parent().expect("cases have a directory");
        let name = common::case_name(path);
        insta::assert_snapshot!(format_case(path, &name, dir));
    });
}

/// The prelude is already in the canonical layout.
#[test]
fn the_prelude_is_formatted() {
    let text = flow_compiler::prelude::TEXT;
    assert_eq!(flow_compiler::fmt::format(text).as_deref(), Ok(text));
}

/// Every case that does not parse is refused with its syntax errors, never mangled.
#[test]
fn broken_files_are_refused() {
    let dir = root().join("tests/cases/syntax/err");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("the syntax cases exist") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "flow") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        if let Err(diagnostics) = flow_compiler::fmt::format(&text) {
            assert!(!diagnostics.is_empty(), "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 5, "most syntax error cases are refused");
}

// ---------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------

fn flowc(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("flowc runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flow-fmt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

const UGLY: &str = "workflow w {  output   o=1+2 }\n";
const PRETTY: &str = "workflow w {\n    output o = 1 + 2\n}\n";

#[test]
fn check_names_files_that_would_change_and_touches_nothing() {
    let dir = scratch("check");
    std::fs::write(dir.join("ugly.flow"), UGLY).expect("write");
    std::fs::write(dir.join("pretty.flow"), PRETTY).expect("write");
    let o = flowc(&["fmt", "--check", "ugly.flow", "pretty.flow"], &dir);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.trim(), "ugly.flow");
    assert_eq!(
        std::fs::read_to_string(dir.join("ugly.flow")).expect("read"),
        UGLY
    );
    let o = flowc(&["fmt", "--check", "pretty.flow"], &dir);
    assert_eq!(o.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fmt_rewrites_files_in_place() {
    let dir = scratch("write");
    std::fs::write(dir.join("ugly.flow"), UGLY).expect("write");
    let o = flowc(&["fmt", "ugly.flow"], &dir);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("ugly.flow")).expect("read"),
        PRETTY
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_that_does_not_parse_is_refused_clearly_and_left_alone() {
    let dir = scratch("broken");
    let broken = "workflow w {\n    node a = f(x 1)\n}\n";
    std::fs::write(dir.join("broken.flow"), broken).expect("write");
    std::fs::write(dir.join("ugly.flow"), UGLY).expect("write");
    let o = flowc(&["fmt", "broken.flow", "ugly.flow"], &dir);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("E0001"), "{err}");
    assert!(err.contains("`broken.flow` does not parse"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("broken.flow")).expect("read"),
        broken
    );
    // The other file is still formatted.
    assert_eq!(
        std::fs::read_to_string(dir.join("ugly.flow")).expect("read"),
        PRETTY
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreadable_file_exits_two() {
    let dir = scratch("missing");
    let o = flowc(&["fmt", "nowhere.flow"], &dir);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------
// Any text
// ---------------------------------------------------------------------------------------

/// Pieces that make comments and odd layouts likely in mutated text.
const PIECES: &[&str] = &[
    "// c\n", "/// d\n", "\n", "\n\n\n", " ", "(", ")", ",", "{", "}", "when x ", "with {}",
    "and ", "-", "not ", "\"s\"", "1_0", "2s", ".", ":", "=",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever an example is mutated into: the formatter never panics, and whenever it
    /// accepts the text, its output is a fixed point with the same syntax tree and comments.
    #[test]
    fn any_text_that_formats_is_a_fixed_point(
        example in 0usize..12,
        at in 0usize..4000,
        cut in 0usize..40,
        piece in 0usize..PIECES.len(),
    ) {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
            .expect("examples")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "flow"))
            .collect();
        paths.sort();
        let text = std::fs::read_to_string(&paths[example % paths.len()]).expect("readable");
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + cut).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mutated = format!("{}{}{}", &text[..at], PIECES[piece], &text[end..]);
        if let Ok(formatted) = flow_compiler::fmt::format(&mutated) {
            let again = flow_compiler::fmt::format(&formatted);
            proptest::prop_assert!(
                again.as_deref() == Ok(formatted.as_str()),
                "not a fixed point:\n{mutated}\n----\n{formatted}"
            );
            proptest::prop_assert!(
                shape(&mutated) == shape(&formatted),
                "the syntax tree changed:\n{mutated}\n----\n{formatted}"
            );
        }
    }
}
