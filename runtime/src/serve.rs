//! `--serve ADDR`: a WebSocket server that broadcasts every event, as the same JSON objects
//! as `--events`, one text message per event, to every connected client.
//!
//! Clients connect at any time and receive the events from then on (there is no replay of
//! earlier ones; `--history` is for that). A client too slow to keep up loses the oldest
//! events it missed rather than slowing the run down. At the end of a run the server gives
//! clients a moment (see [`Server::shutdown`]) to receive what is queued, then closes.
//!
//! The server runs as tasks on the run's current-thread tokio runtime; the tick loop yields
//! between ticks so they make progress even when no node awaits anything.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio_tungstenite::tungstenite::Message;

use crate::events::{Event, Sink};

/// Events a slow client may fall behind by before it starts losing them.
const BACKLOG: usize = 65_536;

/// A running event server.
pub struct Server {
    local_addr: SocketAddr,
    tx: broadcast::Sender<Arc<str>>,
    closing: watch::Sender<bool>,
    accept: JoinHandle<()>,
}

impl Server {
    /// Binds `addr` and starts accepting clients on the current tokio runtime.
    pub async fn bind(addr: SocketAddr) -> std::io::Result<Server> {
        let listener = TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let (tx, _) = broadcast::channel(BACKLOG);
        let (closing, closing_rx) = watch::channel(false);
        let accept = tokio::spawn(accept_loop(listener, tx.clone(), closing_rx));
        Ok(Server {
            local_addr,
            tx,
            closing,
            accept,
        })
    }

    /// The address clients connect to (useful after binding port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The sink that feeds this server; attach it to the run's [`crate::events::Events`].
    pub fn sink(&self) -> Box<dyn Sink> {
        Box::new(Broadcast {
            tx: self.tx.clone(),
            name: format!("--serve {}", self.local_addr),
        })
    }

    /// Stops accepting, lets each client receive what is already queued for it (waiting at
    /// most `grace`), and closes the connections.
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.closing.send(true);
        let _ = tokio::time::timeout(grace, self.accept).await;
    }
}

async fn accept_loop(
    listener: TcpListener,
    tx: broadcast::Sender<Arc<str>>,
    mut closing: watch::Receiver<bool>,
) {
    let mut clients = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    // Subscribe now, before the handshake, so no event is lost in between.
                    clients.spawn(client(stream, tx.subscribe(), closing.clone()));
                }
            }
            _ = closing.changed() => break,
        }
        // Reap finished clients so a long run does not accumulate handles.
        while clients.try_join_next().is_some() {}
    }
    while clients.join_next().await.is_some() {}
}

async fn client(
    stream: TcpStream,
    mut rx: broadcast::Receiver<Arc<str>>,
    mut closing: watch::Receiver<bool>,
) {
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut write, mut read) = ws.split();
    loop {
        tokio::select! {
            biased;
            message = rx.recv() => match message {
                Ok(line) => {
                    if write.send(Message::text(&*line)).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => break,
            },
            incoming = read.next() => match incoming {
                // Clients have nothing to say; reading keeps pings answered and notices a close.
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            _ = closing.changed() => {
                // Deliver what is already queued, then say goodbye.
                while let Ok(line) = rx.try_recv() {
                    if write.send(Message::text(&*line)).await.is_err() {
                        return;
                    }
                }
                break;
            }
        }
    }
    let _ = write.send(Message::Close(None)).await;
    let _ = write.flush().await;
}

/// The sink side: hands each event's line to the broadcast channel. Having no client
/// connected is normal, not an error.
struct Broadcast {
    tx: broadcast::Sender<Arc<str>>,
    name: String,
}

impl Sink for Broadcast {
    fn event(&mut self, event: &Event) -> Result<(), String> {
        let _ = self.tx.send(Arc::clone(&event.line));
        Ok(())
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}
