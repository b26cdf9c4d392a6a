//! `--history PATH.db`: every event of a run stored in SQLite, one row per event.
//!
//! The table a user queries:
//!
//! ```sql
//! CREATE TABLE events (
//!     id           INTEGER PRIMARY KEY AUTOINCREMENT,
//!     type         TEXT NOT NULL,   -- execution_started, node_completed, ...
//!     execution_id TEXT NOT NULL,
//!     workflow_id  TEXT NOT NULL,
//!     node_id      TEXT,            -- NULL for execution_* events
//!     timestamp    TEXT NOT NULL,   -- RFC 3339
//!     json         TEXT NOT NULL    -- the whole event, as on --events
//! );
//! ```
//!
//! plus a view `executions` with one row per tick (`execution_id, workflow_id, tick,
//! bar_time, started_at, status, duration_ms, results`). Runs append to an existing database,
//! so several runs can be compared in one file, e.g.
//! `SELECT node_id, count(*) FROM events WHERE type = 'node_failed' GROUP BY node_id`.
//!
//! Each execution is written in one transaction (committed at `execution_completed`), which
//! keeps a fast simulated run from waiting on a disk sync per event.

use std::path::Path;

use rusqlite::Connection;

use crate::events::{Event, EventKind, Sink};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    type         TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    workflow_id  TEXT NOT NULL,
    node_id      TEXT,
    timestamp    TEXT NOT NULL,
    json         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_execution ON events(execution_id);
CREATE INDEX IF NOT EXISTS events_type ON events(type);
CREATE VIEW IF NOT EXISTS executions AS
SELECT s.execution_id AS execution_id,
       s.workflow_id AS workflow_id,
       json_extract(s.json, '$.tick') AS tick,
       json_extract(s.json, '$.bar_time') AS bar_time,
       s.timestamp AS started_at,
       json_extract(c.json, '$.status') AS status,
       json_extract(c.json, '$.duration_ms') AS duration_ms,
       json_extract(c.json, '$.results') AS results
FROM events s
LEFT JOIN events c ON c.execution_id = s.execution_id AND c.type = 'execution_completed'
WHERE s.type = 'execution_started';
";

/// The SQLite sink.
pub struct History {
    conn: Connection,
    name: String,
    in_transaction: bool,
}

impl History {
    /// Opens (or creates) the database and its schema.
    pub fn open(path: &Path) -> Result<Self, String> {
        let conn = Connection::open(path).map_err(|e| e.to_string())?;
        // WAL lets a user query the file while the run writes it.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| e.to_string())?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| e.to_string())?;
        conn.execute_batch(SCHEMA).map_err(|e| e.to_string())?;
        Ok(History {
            conn,
            name: format!("--history {}", path.display()),
            in_transaction: false,
        })
    }

    fn commit(&mut self) -> Result<(), String> {
        if self.in_transaction {
            self.in_transaction = false;
            self.conn
                .execute_batch("COMMIT")
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

impl Sink for History {
    fn event(&mut self, event: &Event) -> Result<(), String> {
        if !self.in_transaction {
            self.conn
                .execute_batch("BEGIN")
                .map_err(|e| e.to_string())?;
            self.in_transaction = true;
        }
        let mut insert = self
            .conn
            .prepare_cached(
                "INSERT INTO events (type, execution_id, workflow_id, node_id, timestamp, json) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(|e| e.to_string())?;
        insert
            .execute((
                event.kind.as_str(),
                &*event.execution_id,
                &*event.workflow_id,
                event.node_id.as_deref(),
                &event.timestamp,
                &*event.line,
            ))
            .map_err(|e| e.to_string())?;
        drop(insert);
        if event.kind == EventKind::ExecutionCompleted {
            self.commit()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        self.commit()
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

impl Drop for History {
    fn drop(&mut self) {
        // An interrupted execution still lands on disk.
        let _ = self.commit();
    }
}
