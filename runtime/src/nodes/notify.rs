//! Notifications: the run's log and webhooks.

/// Posts `{"text": message}` to a webhook. `Ok(true)` on a 2xx answer, `Ok(false)` when the
/// receiver refused it (3xx, 4xx other than 429); 429 and 5xx are retryable errors.
pub(crate) async fn post_webhook(
    client: &reqwest::Client,
    url: &str,
    message: &str,
) -> Result<bool, crate::node::NodeError> {
    use super::http::{read_body, status_error, target, transport_error};
    let t = target(url)?;
    let body = serde_json::json!({ "text": message }).to_string();
    let resp = client
        .post(t.url.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| transport_error("POST", &t, e))?;
    let status = resp.status();
    if let Some(e) = status_error("POST", &t, status) {
        return Err(e);
    }
    // Drain the answer so the connection can be reused; its content does not matter.
    let _ = read_body("POST", &t, resp).await;
    Ok(status.is_success())
}

/// Writes a message to the run's log: stderr (unless `--quiet`) and, when a sink is attached,
/// a `log` event. `sent` is whether it went anywhere.
pub mod log {
    use crate::ctx::Ctx;
    use crate::node::{Io, NodeError};

    node! {
        kind "notify.log", effect;
        in { message: String }
        out { sent: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Io for Node {
        async fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            let quiet = cx.config.quiet;
            if !quiet {
                eprintln!("[log] {}", i.message);
            }
            // The executor does not tell a node its id; the kind stands in for it.
            cx.events.log("notify.log", &i.message);
            Ok(Out {
                sent: !quiet || cx.events.enabled(),
            })
        }
    }
}

/// POSTs `{"text": message}` as JSON to a webhook URL (Slack-style).
pub mod webhook {
    use crate::ctx::Ctx;
    use crate::node::{Io, NodeError};

    node! {
        kind "notify.webhook", effect;
        in { url: String, message: String }
        out { sent: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Io for Node {
        async fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            let sent = super::post_webhook(&cx.http, &i.url, &i.message).await?;
            Ok(Out { sent })
        }
    }
}
