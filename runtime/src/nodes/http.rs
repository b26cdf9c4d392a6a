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

#[cfg(test)]
mod tests {
    //! Against real HTTP servers on 127.0.0.1, started by the tests.

    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;
    use crate::node::{Io, NodeKind};
    use crate::nodes::{notify, testkit};

    /// What the server saw of one request.
    #[derive(Debug, Clone)]
    pub(crate) struct Seen {
        pub(crate) head: String,
        pub(crate) body: String,
    }

    /// How the server answers one connection.
    #[derive(Debug, Clone, Copy)]
    pub(crate) enum Reply {
        Status(u16, &'static str),
        /// Read the request, then never answer (until the test is long over).
        Hang,
    }

    /// Serves one connection per reply, in order; returns the base URL and what it saw.
    pub(crate) async fn serve(replies: Vec<Reply>) -> (String, tokio::task::JoinHandle<Vec<Seen>>) {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let mut seen = Vec::new();
            for reply in replies {
                let Ok((mut sock, _)) = listener.accept().await else {
                    break;
                };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read the head, then as much body as Content-Length says.
                let head_end = loop {
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break p + 4;
                    }
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => break buf.len(),
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end.min(buf.len())]).to_string();
                let len = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                while buf.len() < head_end + len {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let body = String::from_utf8_lossy(&buf[head_end.min(buf.len())..]).to_string();
                seen.push(Seen { head, body });
                match reply {
                    Reply::Status(code, text) => {
                        let answer = format!(
                            "HTTP/1.1 {code} Status\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                            text.len()
                        );
                        let _ = sock.write_all(answer.as_bytes()).await;
                        let _ = sock.shutdown().await;
                    }
                    Reply::Hang => {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    }
                }
            }
            seen
        });
        (format!("http://{addr}"), task)
    }

    fn assert_no_secret(e: &NodeError) {
        for secret in ["sekrit", "token=", "T000", "hunter2"] {
            assert!(
                !e.message.contains(secret),
                "leaked {secret}: {}",
                e.message
            );
        }
    }

    #[tokio::test]
    async fn requests_return_any_status_and_the_body() {
        let (base, server) = serve(vec![
            Reply::Status(200, "hello"),
            Reply::Status(201, "{\"ok\":true}"),
            Reply::Status(503, "busy"),
        ])
        .await;
        let client = reqwest::Client::new();
        let got = send(&client, "get", &format!("{base}/v1/ping?token=sekrit"), "").await;
        assert_eq!(got, Ok((200, "hello".to_string())));
        let got = send(&client, "POST", &format!("{base}/orders"), "{\"a\":1}").await;
        assert_eq!(got, Ok((201, "{\"ok\":true}".to_string())));
        let got = send(&client, "DELETE", &format!("{base}/x"), "").await;
        assert_eq!(got, Ok((503, "busy".to_string())), "any status is a result");
        let seen = server.await.expect("server");
        assert!(
            seen[0]
                .head
                .starts_with("GET /v1/ping?token=sekrit HTTP/1.1")
        );
        assert!(seen[1].head.starts_with("POST /orders"));
        assert!(
            seen[1]
                .head
                .to_ascii_lowercase()
                .contains("content-type: application/json")
        );
        assert_eq!(seen[1].body, "{\"a\":1}");
        assert!(seen[2].head.starts_with("DELETE /x"));
    }

    #[tokio::test]
    async fn the_node_uses_the_context_client() {
        let (base, server) = serve(vec![Reply::Status(200, "pong")]).await;
        let cx = testkit::sim(0);
        let i = request::In {
            method: "PUT".into(),
            url: format!("{base}/p"),
            body: "plain".into(),
        };
        let o = request::Node::new().run(&cx, i).await.expect("ok");
        assert_eq!((o.status, o.body.as_str()), (200, "pong"));
        let seen = server.await.expect("server");
        assert!(
            seen[0]
                .head
                .to_ascii_lowercase()
                .contains("content-type: text/plain")
        );
        assert_eq!(seen[0].body, "plain");
    }

    #[tokio::test]
    async fn webhooks_post_text_and_map_statuses() {
        let (base, server) = serve(vec![
            Reply::Status(200, "ok"),
            Reply::Status(429, "slow down"),
            Reply::Status(502, "bad gateway"),
            Reply::Status(404, "no such hook"),
        ])
        .await;
        let client = reqwest::Client::new();
        let url = format!("{base}/services/T000/B000/hunter2?token=sekrit");
        assert_eq!(
            notify::post_webhook(&client, &url, "filled \"1\" BTC").await,
            Ok(true)
        );
        let e = notify::post_webhook(&client, &url, "x").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert_no_secret(&e);
        let e = notify::post_webhook(&client, &url, "x").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Transient);
        assert!(e.message.contains("502"), "{}", e.message);
        assert_no_secret(&e);
        assert_eq!(notify::post_webhook(&client, &url, "x").await, Ok(false));
        let seen = server.await.expect("server");
        let v: serde_json::Value = serde_json::from_str(&seen[0].body).expect("json body");
        assert_eq!(v, serde_json::json!({"text": "filled \"1\" BTC"}));
        assert!(
            seen[0]
                .head
                .to_ascii_lowercase()
                .contains("content-type: application/json")
        );
    }

    #[tokio::test]
    async fn transport_failures_are_classified_without_secrets() {
        // A port nothing listens on: bind, note the port, close.
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            l.local_addr().expect("addr").port()
        };
        let client = reqwest::Client::new();
        let url = format!("http://user:hunter2@127.0.0.1:{port}/hook/T000?token=sekrit");
        let e = send(&client, "GET", &url, "").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Transient, "{}", e.message);
        assert!(
            e.message
                .starts_with(&format!("GET http://127.0.0.1:{port}/…")),
            "{}",
            e.message
        );
        assert_no_secret(&e);
        let e = notify::post_webhook(&client, &url, "x").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Transient);
        assert_no_secret(&e);

        let (base, _server) = serve(vec![Reply::Hang]).await;
        let quick = reqwest::Client::builder()
            .timeout(Duration::from_millis(200))
            .build()
            .expect("client");
        let e = send(&quick, "GET", &format!("{base}/slow?token=sekrit"), "")
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Timeout, "{}", e.message);
        assert_no_secret(&e);
    }

    #[tokio::test]
    async fn bad_inputs_are_invalid_and_not_echoed() {
        let client = reqwest::Client::new();
        for (method, url) in [
            ("GET", "not a url token=sekrit"),
            ("GET", "ftp://example.com/file?token=sekrit"),
            ("GET", "/relative?token=sekrit"),
            ("FETCH", "http://127.0.0.1:9/"),
        ] {
            let e = send(&client, method, url, "").await.unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{method} {url}");
            assert_no_secret(&e);
        }
        let t = target("https://hooks.example.com").expect("ok");
        assert_eq!(t.shown, "https://hooks.example.com");
    }

    #[tokio::test]
    async fn log_writes_unless_quiet() {
        let mut cx = testkit::sim(0);
        let o = notify::log::Node::new()
            .run(
                &cx,
                notify::log::In {
                    message: "hello from a test".into(),
                },
            )
            .await;
        assert_eq!(o, Ok(notify::log::Out { sent: true }));
        cx.config.quiet = true;
        let o = notify::log::Node::new()
            .run(
                &cx,
                notify::log::In {
                    message: "unseen".into(),
                },
            )
            .await;
        assert_eq!(
            o,
            Ok(notify::log::Out { sent: false }),
            "quiet and no event sink: nowhere"
        );
    }
}
