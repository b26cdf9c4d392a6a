//! The language server behind `flowc lsp`: diagnostics as you type, hover, completion, go
//! to definition, document symbols, formatting and quick fixes, all from the same front
//! end as `flowc check` (and the formatter of `flowc fmt`).
//!
//! **Why `lsp-server` and not `tower-lsp-server`.** Edits arrive as a stream of full-text
//! `didChange` notifications, and every answer must be computed on the text of the
//! latest change before it. `lsp-server` hands us one channel of messages and lets us run
//! the loop ourselves: this module takes them one at a time, in arrival order, on one
//! thread, so a change is always applied before the request that follows it and two
//! changes can never be applied out of order. `tower-lsp-server` dispatches each message to
//! an async handler, and handlers that await may interleave; keeping changes ordered there
//! means reasoning about its concurrency settings instead of reading a loop. The front end
//! is fast enough (a 1,000-line file in a few milliseconds) that one thread is plenty.
//!
//! **Latency.** Changes are cheap (the text is replaced, the analysis dropped); analysis
//! happens when a request needs it or, for diagnostics, once the queue of pending messages
//! is empty, so a burst of keystrokes costs one analysis, not one per keystroke.
//!
//! **Robustness.** The server must survive anything: broken text is the normal case (the
//! parser recovers), a request with bad parameters gets an error response, an unknown
//! method gets "method not found", and a handler that panics anyway answers with an
//! internal error instead of taking the editor's server down.
//!
//! The library does no I/O: it talks through a [`Connection`]'s channels and reads files
//! through a [`Vfs`]. `flowc lsp` (the CLI edge) wires both to stdio and the disk.

mod actions;
mod completion;
pub mod convert;
mod navigate;
mod symbols;
mod world;

use std::collections::{BTreeSet, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

pub use lsp_server::{Connection, Message};
use lsp_server::{ErrorCode, Notification, Request, Response};
use lsp_types as lsp;
use serde_json::Value;

use world::{Document, Snapshot};
pub use world::{PRELUDE_URI, PreludeLocation, Vfs};

/// At most this many queued messages are handled before pending diagnostics are
/// published, so a flood of messages cannot starve them.
const MAX_BATCH: usize = 256;

/// How the server is set up by its caller.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where go-to-definition shows the prelude.
    pub prelude: PreludeLocation,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            prelude: PreludeLocation::virtual_document(),
        }
    }
}

/// How the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// `exit` after `shutdown`, as the protocol asks.
    Clean,
    /// `exit` without `shutdown`, or the connection closed.
    Abrupt,
}

/// The capabilities this server announces.
pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(
                [".", "(", "{", ","]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
            ),
            ..Default::default()
        }),
        definition_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

/// Runs a session on `connection` until `exit` or until the connection closes.
pub fn serve(connection: &Connection, vfs: &dyn Vfs, config: Config) -> Exit {
    let mut server = Server {
        sender: &connection.sender,
        vfs,
        config,
        docs: HashMap::new(),
        dirty: BTreeSet::new(),
        initialized: false,
        shutdown: false,
    };
    while let Ok(msg) = connection.receiver.recv() {
        if let Some(exit) = server.handle(msg) {
            return exit;
        }
        // Apply everything already queued (in order) before publishing: a burst of
        // changes is analyzed once, for its last version.
        for _ in 0..MAX_BATCH {
            let Ok(msg) = connection.receiver.try_recv() else {
                break;
            };
            if let Some(exit) = server.handle(msg) {
                return exit;
            }
        }
        server.publish_dirty();
    }
    Exit::Abrupt
}

struct Server<'a> {
    sender: &'a crossbeam_channel::Sender<Message>,
    vfs: &'a dyn Vfs,
    config: Config,
    /// Open documents by URI.
    docs: HashMap<String, Document>,
    /// Documents whose diagnostics must be (re)published.
    dirty: BTreeSet<String>,
    initialized: bool,
    shutdown: bool,
}

/// A request's failure: an LSP error code and a message.
type Failure = (ErrorCode, String);

fn invalid_params(err: impl std::fmt::Display) -> Failure {
    (
        ErrorCode::InvalidParams,
        format!("invalid parameters: {err}"),
    )
}

impl Server<'_> {
    fn send(&self, msg: impl Into<Message>) {
        // A closed channel means the client is gone; the receive loop ends next.
        let _ = self.sender.send(msg.into());
    }

    fn notify<N: lsp::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_owned(), params));
    }

    /// Handles one message; `Some` when the session is over.
    fn handle(&mut self, msg: Message) -> Option<Exit> {
        match msg {
            Message::Request(req) => {
                self.request(req);
                None
            }
            Message::Notification(n) => self.notification(n),
            // We send no requests, so there is nothing to match a response with.
            Message::Response(_) => None,
        }
    }

    fn request(&mut self, req: Request) {
        let Request { id, method, params } = req;
        let result = if method == "initialize" {
            if self.initialized {
                Err((
                    ErrorCode::InvalidRequest,
                    "initialize was already received".to_owned(),
                ))
            } else {
                self.initialized = true;
                Ok(serde_json::json!({
                    "capabilities": capabilities(),
                    "serverInfo": { "name": "flowc", "version": env!("CARGO_PKG_VERSION") },
                }))
            }
        } else if !self.initialized {
            Err((
                ErrorCode::ServerNotInitialized,
                "the server has not been initialized".to_owned(),
            ))
        } else if self.shutdown {
            Err((
                ErrorCode::InvalidRequest,
                "the server is shutting down".to_owned(),
            ))
        } else if method == "shutdown" {
            self.shutdown = true;
            Ok(Value::Null)
        } else {
            // A panic in a handler is a bug; it must cost one answer, not the session.
            match catch_unwind(AssertUnwindSafe(|| self.dispatch(&method, params))) {
                Ok(result) => result,
                Err(_) => Err((
                    ErrorCode::InternalError,
                    format!("internal error while handling `{method}`"),
                )),
            }
        };
        let response = match result {
            Ok(value) => Response {
                id,
                response_result: Ok(value),
            },
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(response);
    }

    fn dispatch(&mut self, method: &str, params: Value) -> Result<Value, Failure> {
        use lsp::request::{
            CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition,
            HoverRequest, Request as _,
        };
        fn parse<P: serde::de::DeserializeOwned>(params: Value) -> Result<P, Failure> {
            serde_json::from_value(params).map_err(invalid_params)
        }
        fn to_value(v: impl serde::Serialize) -> Result<Value, Failure> {
            serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
        }
        match method {
            HoverRequest::METHOD => {
                let p: lsp::HoverParams = parse(params)?;
                let pos = &p.text_document_position_params;
                let snap = self.snapshot(&pos.text_document.uri)?;
                to_value(navigate::hover(&snap, pos.position))
            }
            Completion::METHOD => {
                let p: lsp::CompletionParams = parse(params)?;
                let pos = &p.text_document_position;
                let snap = self.snapshot(&pos.text_document.uri)?;
                to_value(completion::complete(&snap, pos.position))
            }
            GotoDefinition::METHOD => {
                let p: lsp::GotoDefinitionParams = parse(params)?;
                let pos = &p.text_document_position_params;
                let snap = self.snapshot(&pos.text_document.uri)?;
                to_value(navigate::definition(&snap, pos.position))
            }
            DocumentSymbolRequest::METHOD => {
                let p: lsp::DocumentSymbolParams = parse(params)?;
                let snap = self.snapshot(&p.text_document.uri)?;
                to_value(lsp::DocumentSymbolResponse::Nested(symbols::symbols(&snap)))
            }
            Formatting::METHOD => {
                let p: lsp::DocumentFormattingParams = parse(params)?;
                let doc = self.document(&p.text_document.uri)?;
                to_value(format_edits(&doc.text))
            }
            CodeActionRequest::METHOD => {
                let p: lsp::CodeActionParams = parse(params)?;
                let snap = self.snapshot(&p.text_document.uri)?;
                to_value(actions::code_actions(&snap, &p))
            }
            "flow/prelude" => to_value(crate::prelude::TEXT),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method `{method}`"),
            )),
        }
    }

    fn notification(&mut self, n: Notification) -> Option<Exit> {
        use lsp::notification::{
            DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
            Notification as _,
        };
        if n.method == "exit" {
            return Some(if self.shutdown {
                Exit::Clean
            } else {
                Exit::Abrupt
            });
        }
        if !self.initialized {
            return None;
        }
        // Notifications have no answer; malformed ones are dropped.
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    let doc = p.text_document;
                    self.set_text(doc.uri, doc.version, doc.text);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    // Full sync: the last change carries the whole text. A change that is
                    // a range edit (a client ignoring our capability) is applied as one.
                    let key = p.text_document.uri.as_str().to_owned();
                    let mut text = self.docs.get(&key).map(|d| d.text.clone());
                    for change in p.content_changes {
                        text = Some(match (change.range, text) {
                            (Some(range), Some(old)) => apply_edit(&old, range, &change.text),
                            _ => change.text,
                        });
                    }
                    if let Some(text) = text {
                        self.set_text(p.text_document.uri, p.text_document.version, text);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    let key = p.text_document.uri.as_str().to_owned();
                    if let Some(doc) = self.docs.remove(&key) {
                        self.dirty.remove(&key);
                        self.invalidate_readers(&doc);
                        self.notify::<lsp::notification::PublishDiagnostics>(
                            lsp::PublishDiagnosticsParams::new(doc.uri, Vec::new(), None),
                        );
                    }
                }
            }
            DidSaveTextDocument::METHOD => {
                // Files on disk may have changed under every document: look again.
                for (key, doc) in &mut self.docs {
                    doc.snapshot = None;
                    self.dirty.insert(key.clone());
                }
            }
            _ => {}
        }
        None
    }

    /// Replaces a document's text (opening it if needed) and marks it, and every open
    /// document that `use`s it, for re-analysis.
    fn set_text(&mut self, uri: lsp::Uri, version: i32, text: String) {
        let key = uri.as_str().to_owned();
        let path = convert::uri_to_path(uri.as_str()).map(|p| world::normalize(&p));
        let doc = Document {
            uri,
            version,
            text,
            path,
            snapshot: None,
        };
        self.invalidate_readers(&doc);
        self.docs.insert(key.clone(), doc);
        self.dirty.insert(key);
    }

    /// Drops the analyses of the documents that read `doc` through `use`.
    fn invalidate_readers(&mut self, doc: &Document) {
        let Some(path) = &doc.path else {
            return;
        };
        for (key, other) in &mut self.docs {
            if other
                .snapshot
                .as_ref()
                .is_some_and(|s| world::reads(s, path))
            {
                other.snapshot = None;
                self.dirty.insert(key.clone());
            }
        }
    }

    fn document(&self, uri: &lsp::Uri) -> Result<&Document, Failure> {
        self.docs.get(uri.as_str()).ok_or_else(|| {
            (
                ErrorCode::InvalidParams,
                format!("`{}` is not open", uri.as_str()),
            )
        })
    }

    /// The analysis of a document's current text, computed if needed.
    fn snapshot(&mut self, uri: &lsp::Uri) -> Result<Rc<Snapshot>, Failure> {
        let doc = self.document(uri)?;
        if let Some(s) = &doc.snapshot {
            return Ok(s.clone());
        }
        let snap = Rc::new(world::analyze_document(
            doc,
            &self.docs,
            self.vfs,
            &self.config.prelude,
        ));
        if let Some(doc) = self.docs.get_mut(uri.as_str()) {
            doc.snapshot = Some(snap.clone());
        }
        Ok(snap)
    }

    fn publish_dirty(&mut self) {
        for key in std::mem::take(&mut self.dirty) {
            let Some(uri) = self.docs.get(&key).map(|d| d.uri.clone()) else {
                continue;
            };
            let Ok(snap) = self.snapshot(&uri) else {
                continue;
            };
            let diagnostics = snap
                .diagnostics
                .iter()
                .filter_map(|d| convert::diagnostic(d, snap.as_ref()))
                .collect();
            self.notify::<lsp::notification::PublishDiagnostics>(
                lsp::PublishDiagnosticsParams::new(
                    snap.uri.clone(),
                    diagnostics,
                    Some(snap.version),
                ),
            );
        }
    }
}

/// One edit replacing the whole document with its formatted text; none when it is
/// already formatted or does not parse (its syntax errors are on screen already, and
/// format-on-save must not pop up an error for every save of a half-written file).
pub fn format_edits(text: &str) -> Option<Vec<lsp::TextEdit>> {
    let formatted = crate::fmt::format(text).ok()?;
    if formatted == text {
        return Some(Vec::new());
    }
    Some(vec![lsp::TextEdit::new(convert::whole(text), formatted)])
}

/// Applies an incremental edit to `text`.
fn apply_edit(text: &str, range: lsp::Range, new: &str) -> String {
    let lines = crate::diagnostics::LineIndex::new(text);
    let start = convert::offset(text, &lines, range.start) as usize;
    let end = (convert::offset(text, &lines, range.end) as usize).max(start);
    let mut out = String::with_capacity(text.len() + new.len());
    out.push_str(&text[..start]);
    out.push_str(new);
    out.push_str(&text[end..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_virtual_prelude_uri_parses() {
        assert_eq!(
            PreludeLocation::virtual_document().uri.as_str(),
            PRELUDE_URI
        );
    }

    struct NoFiles;

    impl Vfs for NoFiles {
        fn read(&self, path: &std::path::Path) -> Result<String, String> {
            Err(format!("no file `{}`", path.display()))
        }
    }

    /// Runs a session in memory: `messages` in, everything the server sent out.
    fn session(messages: Vec<Message>) -> (Exit, Vec<Message>) {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || serve(&server, &NoFiles, Config::default()));
        for m in messages {
            client.sender.send(m).expect("the server is listening");
        }
        let exit = handle.join().expect("the server does not panic");
        (exit, client.receiver.try_iter().collect())
    }

    fn request(id: i32, method: &str, params: Value) -> Message {
        Request {
            id: id.into(),
            method: method.to_owned(),
            params,
        }
        .into()
    }

    fn notification(method: &str, params: Value) -> Message {
        Notification::new(method.to_owned(), params).into()
    }

    fn result(out: &[Message], id: i32) -> Value {
        out.iter()
            .find_map(|m| match m {
                Message::Response(r) if r.id == id.into() => r.response_result.clone().ok(),
                _ => None,
            })
            .unwrap_or(Value::Null)
    }

    #[test]
    fn the_prelude_is_a_virtual_document_when_not_on_disk() {
        let text =
            "workflow w {\n    node px = binance.price(pair: \"X\")\n    output o = px.price\n}\n";
        let uri = "untitled:a";
        let at = |line: u32, character: u32| serde_json::json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
        let (exit, out) = session(vec![
            request(1, "initialize", serde_json::json!({"capabilities": {}})),
            notification("initialized", serde_json::json!({})),
            notification(
                "textDocument/didOpen",
                serde_json::json!({"textDocument": {"uri": uri, "languageId": "flow", "version": 1, "text": text}}),
            ),
            request(2, "textDocument/definition", at(1, 20)),
            request(3, "flow/prelude", Value::Null),
            request(4, "textDocument/definition", at(2, 19)),
            request(5, "shutdown", Value::Null),
            notification("exit", Value::Null),
        ]);
        assert_eq!(exit, Exit::Clean);
        let def = result(&out, 2);
        assert_eq!(def["uri"], PRELUDE_URI);
        let line = def["range"]["start"]["line"].as_u64().unwrap_or(0) as usize;
        let prelude = result(&out, 3);
        let prelude = prelude.as_str().unwrap_or("");
        assert!(
            prelude
                .lines()
                .nth(line)
                .is_some_and(|l| l.contains("binance.price("))
        );
        // `px.price` at the port: its declaration in the prelude.
        let def = result(&out, 4);
        assert_eq!(def["uri"], PRELUDE_URI);
        assert_eq!(def["range"]["start"]["line"].as_u64(), Some(line as u64));
    }

    #[test]
    fn a_burst_of_changes_is_analyzed_once_for_the_last_version() {
        let uri = "untitled:b";
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || serve(&server, &NoFiles, Config::default()));
        let send = |m: Message| client.sender.send(m).expect("the server is listening");
        send(request(
            1,
            "initialize",
            serde_json::json!({"capabilities": {}}),
        ));
        send(notification(
            "textDocument/didOpen",
            serde_json::json!({"textDocument": {"uri": uri, "languageId": "flow", "version": 1, "text": ""}}),
        ));
        for v in 2..=20 {
            let text = if v == 20 {
                "workflow w { output o = x }"
            } else {
                "workflow w {"
            };
            send(notification(
                "textDocument/didChange",
                serde_json::json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": text}]}),
            ));
        }
        let mut published = Vec::new();
        let mut last = Value::Null;
        while published.last() != Some(&20) {
            let m = client
                .receiver
                .recv_timeout(std::time::Duration::from_secs(20))
                .expect("diagnostics for the last version");
            if let Message::Notification(n) = m
                && n.method == "textDocument/publishDiagnostics"
            {
                published.push(n.params["version"].as_i64().unwrap_or(-1));
                last = n.params;
            }
        }
        send(request(2, "shutdown", Value::Null));
        send(notification("exit", Value::Null));
        assert_eq!(handle.join().ok(), Some(Exit::Clean));
        // Publications come in version order (how many depends on how fast the changes
        // arrive), and the last one is of the final text (E0105: `x` is unknown).
        assert!(published.windows(2).all(|w| w[0] < w[1]), "{published:?}");
        assert_eq!(last["diagnostics"][0]["code"], "E0105");
    }

    #[test]
    fn incremental_edits_apply() {
        let r = lsp::Range::new(lsp::Position::new(0, 1), lsp::Position::new(1, 0));
        assert_eq!(apply_edit("ab\ncd", r, "X"), "aXcd");
    }
}
