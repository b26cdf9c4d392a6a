//! The `flowc` binary's contract (TOOLCHAIN.md): `check` exit codes and output formats,
//! `explain` for every code.

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flow_compiler::diagnostics::Code;

fn flowc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("flowc runs")
}

fn case(path: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    p.display().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_clean_file_exits_zero_silently() {
    let o = flowc(&["check", &case("examples/rsi_mean_reversion.flow")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
}

#[test]
fn errors_exit_one_and_warnings_alone_exit_zero() {
    let o = flowc(&[
        "check",
        &case("tests/cases/check/err/e0100_unknown_kind.flow"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("E0100"));
    let o = flowc(&[
        "check",
        &case("tests/cases/check/err/w0002_unused_param.flow"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("W0002"));
}

#[test]
fn an_unreadable_file_exits_two_and_the_others_are_still_checked() {
    let o = flowc(&[
        "check",
        "/nonexistent/nowhere.flow",
        &case("tests/cases/check/err/e0100_unknown_kind.flow"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("cannot read `/nonexistent/nowhere.flow`"),
        "{err}"
    );
    assert!(err.contains("E0100"), "{err}");
}

#[test]
fn short_format_is_one_line_each() {
    let file = case("tests/cases/check/err/e0103_argument_twice.flow");
    let o = flowc(&["check", "--format", "short", &file]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].ends_with(":2:46: error[E0103]: argument `pair` of node `px` is given twice"),
        "{err}"
    );
}

#[test]
fn json_format_has_the_contract_fields() {
    let o = flowc(&[
        "check",
        "--format",
        "json",
        &case("tests/cases/check/err/e0300_cycle.flow"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let first: serde_json::Value =
        serde_json::from_str(err.lines().next().expect("a line")).expect("JSON");
    for key in [
        "severity", "code", "message", "file", "span", "labels", "help",
    ] {
        assert!(first.get(key).is_some(), "missing {key}: {first}");
    }
    for key in ["start", "end", "line", "column", "end_line", "end_column"] {
        assert!(
            first["span"].get(key).is_some(),
            "missing span.{key}: {first}"
        );
    }
    assert_eq!(first["code"], "E0300");
    assert_eq!(first["message"], "cycle: a -> b -> a");
    assert_eq!(first["labels"][0]["message"], "b reads a here");
    assert_eq!(first["span"]["line"], 2);
    assert_eq!(first["span"]["column"], 28);
    for line in err.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("every line is JSON");
        assert_eq!(v["severity"], "error");
    }
}

#[test]
fn explain_knows_every_code() {
    for code in Code::ALL {
        let o = flowc(&["explain", code.as_str()]);
        assert_eq!(o.status.code(), Some(0), "{code}");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.starts_with(code.as_str()), "{text}");
        assert!(text.contains("This is wrong"), "{text}");
    }
    let o = flowc(&["explain", "e0200"]);
    assert_eq!(o.status.code(), Some(0));
    let o = flowc(&["explain", "E9999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown diagnostic code"));
}

#[test]
fn usage_errors_exit_two() {
    let o = flowc(&["check"]);
    assert_eq!(o.status.code(), Some(2));
    let o = flowc(&["check", "--format", "xml", "x.flow"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn kinds_the_runtime_lacks_stop_build_run_and_emit_before_anything_is_built() {
    let dir = std::env::temp_dir().join(format!("flowc-unlinkable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let body = "workflow user_kind {\n    node px = binance.price(pair: \"BTCUSDT\")\n    node s = my.scale(x: px.price)\n    output y = s.y\n}\n";
    let bound = dir.join("bound.flow");
    let unbound = dir.join("unbound.flow");
    std::fs::write(
        &bound,
        format!("extern node my.scale(x: f64) -> (y: f64) = crate::Scale\n{body}"),
    )
    .expect("writable");
    std::fs::write(
        &unbound,
        format!("extern node my.scale(x: f64) -> (y: f64)\n{body}"),
    )
    .expect("writable");
    let cache = dir.join("cache");
    let out = dir.join("out");
    for (file, says) in [
        (&bound, "is implemented by `crate::Scale`"),
        (&unbound, "has no implementation in the runtime"),
    ] {
        let file = file.display().to_string();
        let out = out.display().to_string();
        for args in [
            vec!["build", file.as_str(), "-o", out.as_str()],
            vec!["run", file.as_str()],
            vec!["emit", file.as_str()],
        ] {
            let o = Command::new(env!("CARGO_BIN_EXE_flowc"))
                .args(&args)
                .env("NO_COLOR", "1")
                .env("FLOW_CACHE_DIR", &cache)
                .output()
                .expect("flowc runs");
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
            assert!(
                err.contains("error[E0100]") && err.contains(says),
                "{args:?}: {err}"
            );
            assert!(err.contains("workflow!"), "{args:?} says what to do: {err}");
            assert!(o.stdout.is_empty(), "{args:?} printed no Rust");
        }
        // The schedule and the picture need no implementation.
        for args in [
            vec!["emit", "--schedule", file.as_str()],
            vec!["graph", file.as_str()],
        ] {
            let o = flowc(&args);
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        }
    }
    assert!(!cache.exists(), "no crate was generated");
    assert!(!out.exists(), "no executable was written");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn import_writes_flow_text_and_reports_what_it_could_not_map() {
    let o = flowc(&["import", &case("tests/cases/import/nodes_rsi.json")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("workflow rsi_bot {"), "{text}");
    assert!(
        text.contains("when oversold.pass and rsi_14.ready"),
        "{text}"
    );

    let o = flowc(&["import", &case("tests/cases/import/nodes_problems.json")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("$.nodes[0].action: no node kind `binanse.price`"),
        "{err}"
    );
    assert!(err.contains("did you mean `binance.price`?"), "{err}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("// flowc import: $.nodes[0]"),
        "the text marks what was left out"
    );

    let out = std::env::temp_dir().join(format!("flowc-import-{}.flow", std::process::id()));
    let o = flowc(&[
        "import",
        &case("tests/cases/import/blocks_ema.json"),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let written = std::fs::read_to_string(&out).expect("written");
    let o = flowc(&["check", &out.display().to_string()]);
    assert_eq!(o.status.code(), Some(0), "{written}\n{}", stderr(&o));
    let _ = std::fs::remove_file(&out);

    let o = flowc(&["import", "/nonexistent/graph.json"]);
    assert_eq!(o.status.code(), Some(2));
}
