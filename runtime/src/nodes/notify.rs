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
        kind "notify.log", effect, named;
        in { message: String }
        out { sent: bool }
    }

    /// Knows its id in the workflow, for its `log` events.
    #[derive(Debug, Default)]
    pub struct Node {
        id: &'static str,
    }

    impl Io for Node {
        async fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            let quiet = cx.config.quiet;
            if !quiet {
                eprintln!("[log] {}", i.message);
            }
            // A node built outside a workflow (no id given) names its kind instead.
            let id = if self.id.is_empty() {
                SPEC.kind
            } else {
                self.id
            };
            cx.events.log(id, &i.message);
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use crate::clock::Clock;
    use crate::config::RunConfig;
    use crate::ctx::Ctx;
    use crate::events::Events;
    use crate::halt::Halt;
    use crate::ledger::Ledger;
    use crate::market::Market;
    use crate::node::{Io, NodeKind};

    #[test]
    fn log_events_name_the_node_by_its_id_in_the_workflow() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut events = Events::new("w");
        let sink = Arc::clone(&seen);
        events.subscribe(move |e| {
            if let Ok(mut seen) = sink.lock() {
                seen.push(e.node_id.clone());
            }
        });
        let config = RunConfig {
            quiet: true,
            ..RunConfig::default()
        };
        let cx = Ctx::new(
            config,
            Market::sim(1),
            Ledger::new(1_000.0, 10.0),
            Clock::sim_default(),
            Halt::off(),
            events,
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let mut named = super::log::Node::new();
        named.named("alert");
        let mut anonymous = super::log::Node::new();
        for node in [&mut named, &mut anonymous] {
            let input = super::log::In {
                message: "hello".into(),
            };
            let out = rt.block_on(Io::run(node, &cx, input)).expect("logs");
            assert!(out.sent, "sent to the event sink");
        }
        let seen = seen.lock().expect("not poisoned").clone();
        assert_eq!(
            seen,
            [Some("alert".to_owned()), Some("notify.log".to_owned())]
        );
    }
}
