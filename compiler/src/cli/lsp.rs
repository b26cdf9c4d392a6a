//! `flowc lsp`: the language server ([`flow_compiler::lsp`]) on stdin and stdout.
//!
//! This is the I/O edge of the server: the JSON-RPC framing on stdio and the disk reads
//! for `use`d files that are not open in the editor. The reader thread queues every
//! message without bound, so the server's loop sees a burst of edits at once and analyzes
//! only the last (the `lsp-server` crate's own stdio transport hands messages over one at
//! a time). A malformed message is reported on stderr and skipped; the session goes on.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crossbeam_channel::{Receiver, Sender, unbounded};
use flow_compiler::lsp::{self, Connection, Message, PreludeLocation, Vfs};

/// The largest message accepted. Editors send whole documents; nothing sensible is this big,
/// and a bogus `Content-Length` must not make the server allocate without limit.
const MAX_MESSAGE: usize = 256 << 20;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

/// Reads files from the disk.
struct Disk;

impl Vfs for Disk {
    fn read(&self, path: &Path) -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|err| {
            if err.kind() == std::io::ErrorKind::NotFound {
                format!("there is no file `{}`", path.display())
            } else {
                format!("cannot read `{}`: {err}", path.display())
            }
        })
    }
}

/// `runtime/prelude.flow` of the checkout this binary was built from, if it is still there
/// and still what the binary has compiled in; else the virtual document.
fn prelude_location() -> PreludeLocation {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../runtime/prelude.flow"
    ));
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    let same =
        std::fs::read_to_string(&path).is_ok_and(|text| text == flow_compiler::prelude::TEXT);
    match lsp::convert::path_to_uri(&path) {
        Some(uri) if same => PreludeLocation {
            uri,
            path: Some(path),
        },
        _ => PreludeLocation::virtual_document(),
    }
}

pub(crate) fn run(_args: Args) -> ExitCode {
    let (to_server, from_client) = unbounded::<Message>();
    let (to_client, from_server) = unbounded::<Message>();
    std::thread::spawn(move || read_messages(&to_server));
    let writer = std::thread::spawn(move || write_messages(&from_server));
    let connection = Connection {
        sender: to_client,
        receiver: from_client,
    };
    let config = lsp::Config {
        prelude: prelude_location(),
    };
    let exit = lsp::serve(&connection, &Disk, config);
    // Dropping the connection closes the writer's channel once it has sent everything.
    drop(connection);
    let _ = writer.join();
    // The reader may still be blocked on stdin; the process exit ends it.
    match exit {
        lsp::Exit::Clean => ExitCode::SUCCESS,
        lsp::Exit::Abrupt => ExitCode::FAILURE,
    }
}

fn read_messages(to_server: &Sender<Message>) {
    let mut stdin = BufReader::new(std::io::stdin().lock());
    loop {
        match read_message(&mut stdin) {
            Ok(None) => return,
            Ok(Some(text)) => match serde_json::from_str::<Message>(&text) {
                Ok(msg) => {
                    let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                    if to_server.send(msg).is_err() || exit {
                        return;
                    }
                }
                Err(err) => eprintln!("flowc lsp: skipping a malformed message: {err}"),
            },
            Err(Frame::Skip(why)) => eprintln!("flowc lsp: skipping a malformed message: {why}"),
            Err(Frame::Closed) => return,
        }
    }
}

enum Frame {
    /// A framing problem that the next header can recover from.
    Skip(String),
    /// The input ended or failed.
    Closed,
}

/// Reads one `Content-Length`-framed message; `None` at the end of the input.
fn read_message(input: &mut impl BufRead) -> Result<Option<String>, Frame> {
    let mut length = None;
    let mut line = String::new();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) => return Ok(None),
            Ok(_) => {}
            Err(_) => return Err(Frame::Closed),
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let Some(length) = length else {
        return Err(Frame::Skip("no valid Content-Length header".to_owned()));
    };
    if length > MAX_MESSAGE {
        // Discard the body rather than hold it.
        let _ = std::io::copy(&mut input.take(length as u64), &mut std::io::sink());
        return Err(Frame::Skip(format!(
            "a message of {length} bytes is too large"
        )));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).map_err(|_| Frame::Closed)?;
    String::from_utf8(body)
        .map(Some)
        .map_err(|_| Frame::Skip("the message is not UTF-8".to_owned()))
}

fn write_messages(from_server: &Receiver<Message>) {
    let mut stdout = std::io::stdout().lock();
    for msg in from_server {
        if msg.write(&mut stdout).is_err() {
            return;
        }
    }
}
