//! `flowc lsp` spoken to as an editor does: the real binary on stdio, JSON-RPC with
//! `Content-Length` framing. Open, change (broken, then fixed), hover, completion (also on
//! a line that does not parse), definition, symbols, formatting, quick fixes, `use`d
//! files, bad input of every kind, shutdown and exit; and the time from a change to its
//! diagnostics on a 1,000-line file.

#![cfg(feature = "cli")]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one answer may take before the test gives up (a hang is a failure, not a
/// stuck CI run).
const PATIENCE: Duration = Duration::from_secs(20);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    notifications: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_flowc"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("flowc lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if out.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse().expect("a length");
                    }
                }
                let mut body = vec![0; length];
                if out.read_exact(&mut body).is_err() {
                    return;
                }
                let msg: Value = serde_json::from_slice(&body).expect("the server sends JSON");
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            next_id: 1,
            notifications: Vec::new(),
        }
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("the server reads");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, msg: &Value) {
        let text = msg.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{text}", text.len());
        self.send_raw(framed.as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self) -> Value {
        match self.incoming.recv_timeout(PATIENCE) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("the server did not answer in time"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.recv();
            if msg.get("id") == Some(&json!(id)) {
                return msg;
            }
            self.notifications.push(msg);
        }
    }

    /// Sends a request and returns its result, failing on an error.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// Waits for the diagnostics of `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        };
        if let Some(i) = self.notifications.iter().position(matches) {
            let m = self.notifications.remove(i);
            return m["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        loop {
            let msg = self.recv();
            if matches(&msg) {
                return msg["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            self.notifications.push(msg);
        }
    }

    fn initialize(&mut self) -> Value {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        self.notify("initialized", json!({}));
        result
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "flow", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    /// `shutdown`, `exit`, and the exit status.
    fn shutdown(mut self) -> Option<i32> {
        let result = self.call("shutdown", Value::Null);
        assert_eq!(result["result"], Value::Null, "{result}");
        self.notify("exit", Value::Null);
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(start.elapsed() < PATIENCE, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flow-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn pos(text: &str, needle: &str, nth: usize) -> Value {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` is in the text"))
        .0;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let character = before
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .encode_utf16()
        .count();
    json!({"line": line, "character": character})
}

fn doc_pos(uri: &str, text: &str, needle: &str, nth: usize) -> Value {
    json!({"textDocument": {"uri": uri}, "position": pos(text, needle, nth)})
}

fn hover_text(hover: &Value) -> String {
    hover["contents"]["value"].as_str().unwrap_or("").to_owned()
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion
        .as_array()
        .or_else(|| completion["items"].as_array())
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap_or("").to_owned())
        .collect()
}

const GOOD: &str = r#"/// Buy when RSI says oversold.
workflow rsi_demo {
    /// The pair to trade.
    param pair: String = "BTCUSDT"
    param low: f64 = 30

    schedule every 1m

    node px = binance.price(pair: pair)
    node rsi = ta.rsi(input: px.price, period: 14)
    node buy = trade.buy(venue: "binance", pair: pair, amount: 0.01)
        when rsi.ready and rsi.value < low

    output rsi = rsi.value
}
"#;

#[test]
fn an_editor_session() {
    let dir = scratch("session");
    let path = dir.join("demo.flow");
    std::fs::write(&path, GOOD).expect("write");
    let uri = uri_of(&path);
    let mut c = Client::start();

    let init = c.initialize();
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 1, "full sync: {init}");
    for cap in [
        "hoverProvider",
        "completionProvider",
        "definitionProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
        "codeActionProvider",
    ] {
        assert!(!caps[cap].is_null(), "{cap} missing: {init}");
    }

    // Open: clean.
    c.open(&uri, GOOD);
    assert_eq!(c.diagnostics(&uri, 1), Vec::<Value>::new());

    // Broken: a syntax error with its code, range and source; the rest still checks.
    let broken = GOOD.replace(
        "ta.rsi(input: px.price, period: 14)",
        "ta.rsi(input px.price, period: 14)",
    );
    c.change(&uri, 2, &broken);
    let diags = c.diagnostics(&uri, 2);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], "E0001");
    assert_eq!(d["source"], "flow");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["range"]["start"], pos(&broken, "px.price, period", 0));

    // A check error with a secondary label in another place (the kind's declaration).
    let wrong = GOOD.replace("period: 14", "period: \"14\"");
    c.change(&uri, 3, &wrong);
    let diags = c.diagnostics(&uri, 3);
    let d = diags
        .iter()
        .find(|d| d["code"] == "E0200")
        .unwrap_or_else(|| panic!("a type mismatch: {diags:?}"));
    assert_eq!(d["range"]["start"], pos(&wrong, "\"14\"", 0));
    assert!(
        d["relatedInformation"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{d}"
    );

    // Fixed: clean again.
    c.change(&uri, 4, GOOD);
    assert_eq!(c.diagnostics(&uri, 4), Vec::<Value>::new());

    // Hover: a kind, a port reference, a param, a node id, an argument name.
    let h = c.request("textDocument/hover", doc_pos(&uri, GOOD, "rsi(input", 0));
    let text = hover_text(&h);
    assert!(
        text.contains("ta.rsi(input: f64, period: i64 = 14) -> (value: f64, ready: bool)"),
        "{text}"
    );
    let h = c.request(
        "textDocument/hover",
        doc_pos(&uri, GOOD, "price, period", 0),
    );
    assert!(hover_text(&h).contains("px.price: f64"), "{h}");
    let h = c.request("textDocument/hover", doc_pos(&uri, GOOD, "low\n", 0));
    let text = hover_text(&h);
    assert!(text.contains("param low: f64 = 30"), "{text}");
    let h = c.request("textDocument/hover", doc_pos(&uri, GOOD, "pair: pair)", 0));
    let text = hover_text(&h);
    assert!(
        text.contains("pair: String") && text.contains("binance.price"),
        "{text}"
    );
    let h = c.request("textDocument/hover", doc_pos(&uri, GOOD, "px.price", 0));
    let text = hover_text(&h);
    assert!(
        text.contains("node px: binance.price") && text.contains("extern io node binance.price"),
        "{text}"
    );
    let h = c.request("textDocument/hover", doc_pos(&uri, GOOD, "pair: String", 0));
    assert!(hover_text(&h).contains("The pair to trade."), "{h}");

    // Definition: a node reference goes to its statement; a kind to the prelude.
    let def = c.request(
        "textDocument/definition",
        doc_pos(&uri, GOOD, "px.price", 0),
    );
    assert_eq!(def["uri"], uri.as_str());
    assert_eq!(def["range"]["start"], pos(GOOD, "px = ", 0));
    let def = c.request(
        "textDocument/definition",
        doc_pos(&uri, GOOD, "rsi(input", 0),
    );
    let target = def["uri"].as_str().unwrap_or("");
    assert!(target.ends_with("prelude.flow"), "{def}");
    let prelude = c.request("flow/prelude", Value::Null);
    let prelude = prelude.as_str().unwrap_or("");
    let line = def["range"]["start"]["line"].as_u64().unwrap_or(0) as usize;
    assert!(
        prelude
            .lines()
            .nth(line)
            .is_some_and(|l| l.contains("node ta.rsi(")),
        "{def}"
    );

    // Completion on lines that do not parse.
    let typing = GOOD.replace("    output rsi", "    node q = binance.\n    output rsi");
    c.change(&uri, 5, &typing);
    let items = c.request(
        "textDocument/completion",
        doc_pos(&uri, &typing, "binance.\n", 0)
            .as_object()
            .map(|o| {
                let mut o = o.clone();
                let p = pos(&typing, "binance.\n", 0);
                o.insert(
                "position".into(),
                json!({"line": p["line"], "character": p["character"].as_u64().unwrap_or(0) + 8}),
            );
                Value::Object(o)
            })
            .unwrap_or_default(),
    );
    let got = labels(&items);
    assert!(
        got.contains(&"price".to_owned()) && got.contains(&"order_book".to_owned()),
        "{got:?}"
    );

    let typing = GOOD.replace(
        "    output rsi",
        "    node r = ta.rsi(input: px.\n    output rsi",
    );
    c.change(&uri, 6, &typing);
    let mut p = pos(&typing, "px.\n", 0);
    p["character"] = json!(p["character"].as_u64().unwrap_or(0) + 3);
    let items = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": p}),
    );
    assert_eq!(labels(&items), vec!["price".to_owned()]);

    let typing = GOOD.replace(
        "    output rsi",
        "    node r = ta.rsi(input: px.price, \n    output rsi",
    );
    c.change(&uri, 7, &typing);
    let mut p = pos(&typing, "px.price, \n", 0);
    p["character"] = json!(p["character"].as_u64().unwrap_or(0) + 10);
    let items = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": p}),
    );
    let arr = items.as_array().cloned().unwrap_or_default();
    let first = arr
        .iter()
        .min_by_key(|i| i["sortText"].as_str().unwrap_or("").to_owned())
        .map(|i| i["label"].clone());
    assert_eq!(first, Some(json!("period")), "not-yet-given first: {items}");

    // Expressions: params and nodes.
    let typing = GOOD.replace("when rsi.ready and rsi.value < low", "when rsi.ready and ");
    c.change(&uri, 8, &typing);
    let mut p = pos(&typing, "and \n", 0);
    p["character"] = json!(p["character"].as_u64().unwrap_or(0) + 4);
    let got = labels(&c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": p}),
    ));
    for want in ["low", "pair", "px", "rsi"] {
        assert!(got.contains(&want.to_owned()), "{want} in {got:?}");
    }
    assert!(
        !got.contains(&"buy".to_owned()),
        "a node cannot read itself: {got:?}"
    );

    // Symbols.
    c.change(&uri, 9, GOOD);
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let w = &symbols[0];
    assert_eq!(w["name"], "rsi_demo");
    let children: Vec<&str> = w["children"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(children, vec!["pair", "low", "px", "rsi", "buy", "rsi"]);

    // Formatting: one edit to the canonical text; none for a file that does not parse.
    let ugly = GOOD.replace(
        "node px = binance.price(pair: pair)",
        "node   px=binance.price( pair:pair )",
    );
    c.change(&uri, 10, &ugly);
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(edits[0]["newText"], GOOD, "{edits}");
    c.change(&uri, 11, &broken);
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert!(edits.is_null(), "{edits}");

    // A quick fix for a misspelt port.
    let typo = GOOD.replace("input: px.price", "input: px.prise");
    c.change(&uri, 12, &typo);
    let diags = c.diagnostics(&uri, 12);
    let d = diags
        .iter()
        .find(|d| d["code"] == "E0104")
        .cloned()
        .unwrap_or_else(|| panic!("E0104: {diags:?}"));
    assert_eq!(d["data"]["replacement"], "price");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    let edit = &action["edit"]["changes"][uri.as_str()][0];
    assert_eq!(edit["newText"], "price");
    assert_eq!(edit["range"]["start"], pos(&typo, "prise", 0));

    assert_eq!(c.shutdown(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cycles_relate_every_hop() {
    let text = "workflow w {\n    node a = cond.not(a: c.out)\n    node b = cond.not(a: a.out)\n    node c = cond.not(a: b.out)\n    output o = c.out\n}\n";
    let mut c = Client::start();
    c.initialize();
    c.open("untitled:cycle", text);
    let diags = c.diagnostics("untitled:cycle", 1);
    let cycle = diags
        .iter()
        .find(|d| d["code"] == "E0300")
        .unwrap_or_else(|| panic!("a cycle: {diags:?}"));
    let related = cycle["relatedInformation"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(related.len() >= 2, "{cycle}");
    assert!(
        related
            .iter()
            .all(|r| r["location"]["uri"] == "untitled:cycle")
    );
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn used_files_come_from_disk_or_from_open_buffers() {
    let dir = scratch("use");
    let lib = "/// Doubles.\nextern node my.double(x: f64) -> (y: f64)\n";
    std::fs::write(dir.join("lib.flow"), lib).expect("write");
    let main =
        "use \"lib.flow\"\nworkflow w {\n    node d = my.double(x: 2)\n    output o = d.y\n}\n";
    std::fs::write(dir.join("main.flow"), main).expect("write");
    let main_uri = uri_of(&dir.join("main.flow"));
    let lib_uri = uri_of(&dir.join("lib.flow"));
    let mut c = Client::start();
    c.initialize();
    c.open(&main_uri, main);
    assert_eq!(c.diagnostics(&main_uri, 1), Vec::<Value>::new());
    let def = c.request(
        "textDocument/definition",
        doc_pos(&main_uri, main, "double(x", 0),
    );
    assert_eq!(def["uri"], lib_uri.as_str());
    let h = c.request(
        "textDocument/hover",
        doc_pos(&main_uri, main, "double(x", 0),
    );
    assert!(hover_text(&h).contains("Doubles."), "{h}");

    // Edit the used file in the editor, unsaved: the user of it sees the change.
    c.open(&lib_uri, &lib.replace("(y: f64)", "(z: f64)"));
    let _ = c.diagnostics(&lib_uri, 1);
    // The dependent document is re-published with its own (unchanged) version.
    let diags = c.diagnostics(&main_uri, 1);
    assert!(diags.iter().any(|d| d["code"] == "E0104"), "{diags:?}");

    // A used file that does not parse: its errors are summarised at the `use`.
    c.change(&lib_uri, 2, "extern node my.double(x: f64 -> (y: f64)\n");
    let lib_diags = c.diagnostics(&lib_uri, 2);
    assert!(
        lib_diags.iter().any(|d| d["code"] == "E0001"),
        "{lib_diags:?}"
    );
    let diags = c.diagnostics(&main_uri, 1);
    let summary = diags
        .iter()
        .find(|d| d["range"]["start"] == pos(main, "\"lib.flow\"", 0))
        .unwrap_or_else(|| panic!("a summary at the use: {diags:?}"));
    assert_eq!(summary["severity"], 1);
    assert_eq!(
        summary["relatedInformation"][0]["location"]["uri"],
        lib_uri.as_str()
    );
    assert_eq!(c.shutdown(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn garbage_and_bad_requests_do_not_take_the_server_down() {
    let mut c = Client::start();
    // Before initialize: refused, not fatal.
    let r = c.call("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002);
    c.initialize();
    // A frame that is not JSON, and one without a length: skipped.
    c.send_raw(b"Content-Length: 5\r\n\r\nhello");
    c.send_raw(b"X-Nonsense: 1\r\n\r\n");
    // Unknown method, bad parameters, a document that is not open.
    let r = c.call("flow/nonsense", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let r = c.call("textDocument/hover", json!({"nope": 1}));
    assert_eq!(r["error"]["code"], -32602);
    let r = c.call(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///not/open.flow"}, "position": {"line": 0, "character": 0}}),
    );
    assert!(r["error"].is_object(), "{r}");
    // Garbage text, positions far outside it, and every request on it.
    let garbage =
        "workflow { node = = ( ( { \"unterminated\n}}} ))) extern node . ( -> \u{1F600} ///\n\0";
    c.open("untitled:garbage", garbage);
    let _ = c.diagnostics("untitled:garbage", 1);
    for line in [0, 1, 2, 99] {
        for character in [0, 3, 10, 1000] {
            let p = json!({"textDocument": {"uri": "untitled:garbage"}, "position": {"line": line, "character": character}});
            for method in [
                "textDocument/hover",
                "textDocument/completion",
                "textDocument/definition",
            ] {
                let r = c.call(method, p.clone());
                assert!(
                    r.get("error").is_none(),
                    "{method} at {line}:{character}: {r}"
                );
            }
        }
    }
    c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "untitled:garbage"}}),
    );
    c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": "untitled:garbage"}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    // Still alive and answering.
    c.change("untitled:garbage", 2, GOOD);
    assert_eq!(c.diagnostics("untitled:garbage", 2), Vec::<Value>::new());
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn every_prefix_of_a_file_is_served() {
    // Typing a file from the first character to the last: every intermediate text gets
    // diagnostics, and completion and hover answer at the cursor.
    let mut c = Client::start();
    c.initialize();
    let uri = "untitled:typing";
    c.open(uri, "");
    let _ = c.diagnostics(uri, 1);
    let mut version = 1;
    let cuts: Vec<usize> = (0..GOOD.len())
        .step_by(7)
        .filter(|&i| GOOD.is_char_boundary(i))
        .collect();
    for cut in cuts {
        version += 1;
        let text = &GOOD[..cut];
        c.change(uri, version, text);
        let end = pos(&format!("{text}\u{0}"), "\u{0}", 0);
        let p = json!({"textDocument": {"uri": uri}, "position": end});
        let r = c.call("textDocument/completion", p.clone());
        assert!(r.get("error").is_none(), "completion at {cut}: {r}");
        let r = c.call("textDocument/hover", p);
        assert!(r.get("error").is_none(), "hover at {cut}: {r}");
        let _ = c.diagnostics(uri, version);
    }
    assert_eq!(c.shutdown(), Some(0));
}

/// A 1,000-line file: 10 workflows of about 100 lines each.
fn thousand_lines() -> String {
    let mut text = String::new();
    for w in 0..10 {
        text.push_str(&format!("/// Workflow {w}.\nworkflow w{w} {{\n"));
        text.push_str("    param pair: String = \"BTCUSDT\"\n    param size: f64 = 0.01\n\n    schedule every 1m\n\n");
        text.push_str("    node px = binance.price(pair: pair)\n");
        for i in 0..30 {
            let input = if i == 0 {
                "px.price".to_owned()
            } else {
                format!("e{}.value", i - 1)
            };
            text.push_str(&format!("    // stage {i}\n"));
            text.push_str(&format!(
                "    node e{i} = ta.ema(input: {input}, period: {})\n",
                2 + i
            ));
            text.push_str(&format!(
                "    output o{i} = e{i}.value * 2 + abs(e{i}.value - px.price)\n"
            ));
        }
        text.push_str("    node buy = trade.buy(venue: \"binance\", pair: pair, amount: size)\n        when e29.ready and e29.value > px.price\n");
        text.push_str("}\n\n");
    }
    text
}

#[test]
fn diagnostics_latency_on_a_thousand_line_file() {
    let text = thousand_lines();
    let lines = text.lines().count();
    assert!((990..=1100).contains(&lines), "{lines} lines");
    let mut c = Client::start();
    c.initialize();
    let uri = "untitled:big";
    c.open(uri, &text);
    assert_eq!(c.diagnostics(uri, 1), Vec::<Value>::new());
    let mut times = Vec::new();
    for version in 2..=31 {
        // Alternate between a broken and a fixed text, as while typing.
        let changed = if version % 2 == 0 {
            text.replacen("period: 7)", "period: 7", 1)
        } else {
            text.replacen("period: 7)", &format!("period: {})", version), 1)
        };
        let start = Instant::now();
        c.change(uri, version, &changed);
        let diags = c.diagnostics(uri, version);
        times.push(start.elapsed());
        assert_eq!(
            diags.is_empty(),
            version % 2 == 1,
            "version {version}: {diags:?}"
        );
    }
    times.sort();
    let p50 = times[times.len() / 2];
    let p95 = times[(times.len() * 95).div_ceil(100) - 1];
    eprintln!(
        "diagnostics after a change, {lines}-line file, {} changes: p50 {:.1} ms, p95 {:.1} ms",
        times.len(),
        p50.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3
    );
    // The budget is 50 ms at p95, held by an optimised build (`cargo test --release`);
    // an unoptimised test build on a loaded CI machine gets ten times that, which still
    // catches a regression by an order of magnitude.
    let budget = Duration::from_millis(if cfg!(debug_assertions) { 500 } else { 50 });
    assert!(p95 < budget, "p95 {p95:?} over {budget:?}");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let mut c = Client::start();
    c.initialize();
    c.notify("exit", Value::Null);
    let start = Instant::now();
    loop {
        if let Some(status) = c.child.try_wait().expect("wait") {
            assert_eq!(status.code(), Some(1));
            break;
        }
        assert!(start.elapsed() < PATIENCE, "the server did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
}
