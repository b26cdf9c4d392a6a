//! HTTP: the `http.request` node and the client helpers `notify.webhook` shares.
//!
//! Requests go through the run's shared `reqwest::Client` (`cx.http`). Error messages name
//! the method and only the scheme and host of the URL: queries, paths (webhook URLs carry
//! their token in the path), user info and headers never appear in errors or events.
//! Failures map to error kinds the retry policy understands: timeouts → `Timeout`,
//! connection failures → `Transient`; for `notify.webhook` also HTTP 429 → `RateLimited` and
//! 5xx → `Transient`. `http.request` reports every status as a result, as the prelude says.

use crate::node::{ErrorKind, NodeError};

/// The largest answer body a node reads.
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// A checked URL and the redacted form errors show.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) url: reqwest::Url,
    /// `https://host[:port]`, plus `/…` when the URL has a path or query.
    pub(crate) shown: String,
}

/// Parses an absolute `http` or `https` URL. The URL itself is not echoed on failure.
pub(crate) fn target(url: &str) -> Result<Target, NodeError> {
    let url = reqwest::Url::parse(url.trim())
        .map_err(|e| NodeError::invalid(format!("the url is not a valid absolute URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(NodeError::invalid(format!(
            "the url must be http:// or https://, not {}://",
            url.scheme()
        )));
    }
    let host = url.host_str().unwrap_or("");
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let more = if url.path() != "/" || url.query().is_some() {
        "/…"
    } else {
        ""
    };
    let shown = format!("{}://{host}{port}{more}", url.scheme());
    Ok(Target { url, shown })
}

/// The innermost cause of an error chain (`Connection refused (os error 111)`), which names
/// what went wrong without the URL reqwest's own message carries.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Maps a transport failure to an error kind, without the URL.
pub(crate) fn transport_error(method: &str, t: &Target, e: reqwest::Error) -> NodeError {
    let e = e.without_url();
    let what = format!("{method} {}", t.shown);
    if e.is_timeout() {
        NodeError::new(ErrorKind::Timeout, format!("{what}: timed out"))
    } else if e.is_connect() {
        NodeError::new(
            ErrorKind::Transient,
            format!("{what}: connection failed: {}", root_cause(&e)),
        )
    } else if e.is_builder() {
        NodeError::invalid(format!("{what}: the request could not be built"))
    } else if e.is_redirect() {
        NodeError::new(
            ErrorKind::BadResponse,
            format!("{what}: too many redirects"),
        )
    } else if e.is_decode() {
        NodeError::new(
            ErrorKind::BadResponse,
            format!("{what}: the answer could not be read"),
        )
    } else {
        NodeError::new(
            ErrorKind::Transient,
            format!("{what}: request failed: {}", root_cause(&e)),
        )
    }
}

/// HTTP statuses that are failures worth retrying: 429 → `RateLimited`, 5xx → `Transient`.
pub(crate) fn status_error(
    method: &str,
    t: &Target,
    status: reqwest::StatusCode,
) -> Option<NodeError> {
    let what = format!("{method} {}: HTTP {status}", t.shown);
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        Some(NodeError::new(ErrorKind::RateLimited, what))
    } else if status.is_server_error() {
        Some(NodeError::new(ErrorKind::Transient, what))
    } else {
        None
    }
}

/// Reads an answer's body as text (invalid UTF-8 replaced), at most [`MAX_BODY`] bytes.
pub(crate) async fn read_body(
    method: &str,
    t: &Target,
    mut resp: reqwest::Response,
) -> Result<String, NodeError> {
    let mut bytes = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > MAX_BODY {
                    return Err(NodeError::new(
                        ErrorKind::BadResponse,
                        format!(
                            "{method} {}: the answer is larger than {} MiB",
                            t.shown,
                            MAX_BODY >> 20
                        ),
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Err(transport_error(method, t, e)),
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The methods `http.request` accepts.
const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// Sends one request; any status is a result.
pub(crate) async fn send(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    body: &str,
) -> Result<(i64, String), NodeError> {
    let m = method.trim().to_ascii_uppercase();
    if !METHODS.contains(&m.as_str()) {
        return Err(NodeError::invalid(format!(
            "unknown HTTP method \"{}\"; use one of {}",
            method.trim(),
            METHODS.join(", ")
        )));
    }
    let t = target(url)?;
    let verb = reqwest::Method::from_bytes(m.as_bytes())
        .map_err(|_| NodeError::invalid(format!("unknown HTTP method \"{m}\"")))?;
    let mut req = client.request(verb, t.url.clone());
    if !body.is_empty() {
        // JSON bodies are labelled as such; anything else is plain text.
        let ct = if serde_json::from_str::<serde_json::Value>(body).is_ok() {
            "application/json"
        } else {
            "text/plain; charset=utf-8"
        };
        req = req
            .header(reqwest::header::CONTENT_TYPE, ct)
            .body(body.to_string());
    }
    let resp = req.send().await.map_err(|e| transport_error(&m, &t, e))?;
    let status = i64::from(resp.status().as_u16());
    let text = read_body(&m, &t, resp).await?;
    Ok((status, text))
}

/// An HTTP request; any status is a result, only transport failures fail the node.
pub mod request {
    use crate::ctx::Ctx;
    use crate::node::{Io, NodeError};

    node! {
        kind "http.request", effect;
        in { method: String, url: String, body: String }
        out { status: i64, body: String }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Io for Node {
        async fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            let (status, body) = super::send(&cx.http, &i.method, &i.url, &i.body).await?;
            Ok(Out { status, body })
        }
    }
}
