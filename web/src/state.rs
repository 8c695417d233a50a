//! What the page shows: one [`Entry`] per file, changed only through
//! [`Action`]s (a `use_reducer`). Pure data, tested natively.

use std::rc::Rc;

use verdict_core::capacity::LevelSet;
use verdict_core::{Format, RunSummary};
use verdict_rpc::{ErrorInfo, FormatInfo};
use yew::Reducible;

/// Identifies a file for its whole life on the page.
pub type EntryId = u32;

/// Where a file is in its life.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Waiting for a free worker.
    Queued,
    /// Being read; `elapsed_ms` since its worker started on it.
    Reading { bytes_done: u64, elapsed_ms: f64 },
    /// Read to the end.
    Done {
        summary: Rc<RunSummary>,
        elapsed_ms: f64,
    },
    /// Could not be read; the message names the file and the position.
    Failed(ErrorInfo),
    /// Stopped by the user.
    Cancelled,
}

/// One file dropped on the page (or the demo).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: EntryId,
    /// Files added together (one drop, one pick) share a batch.
    pub batch: u32,
    pub name: String,
    pub size: u64,
    pub demo: bool,
    pub format: Option<Format>,
    pub status: Status,
    /// The run's capacity load levels, or why it has none (from the worker).
    pub levels: Option<Rc<Result<LevelSet, String>>>,
}

impl Entry {
    /// Whether a worker still has (or will have) work to do for this file.
    pub fn is_active(&self) -> bool {
        matches!(self.status, Status::Queued | Status::Reading { .. })
    }

    /// Fraction of the file read, 0..1.
    pub fn fraction(&self) -> f64 {
        match self.status {
            Status::Reading { bytes_done, .. } if self.size > 0 => {
                (bytes_done as f64 / self.size as f64).min(1.0)
            }
            Status::Done { .. } => 1.0,
            _ => 0.0,
        }
    }

    /// Read speed so far in MB/s (decimal megabytes), once measurable.
    pub fn mb_per_s(&self) -> Option<f64> {
        match self.status {
            Status::Reading {
                bytes_done,
                elapsed_ms,
            } if elapsed_ms > 0.0 && bytes_done > 0 => {
                Some(bytes_done as f64 / 1e6 / (elapsed_ms / 1e3))
            }
            Status::Done { elapsed_ms, .. } if elapsed_ms > 0.0 => {
                Some(self.size as f64 / 1e6 / (elapsed_ms / 1e3))
            }
            _ => None,
        }
    }
}

/// What a worker pool reports about a file.
#[derive(Debug, Clone, PartialEq)]
pub enum PoolEvent {
    Started {
        id: EntryId,
    },
    Detected {
        id: EntryId,
        format: Format,
    },
    Progress {
        id: EntryId,
        bytes_done: u64,
        elapsed_ms: f64,
    },
    Levels {
        id: EntryId,
        levels: Rc<Result<LevelSet, String>>,
    },
    Done {
        id: EntryId,
        summary: Box<RunSummary>,
        elapsed_ms: f64,
    },
    Failed {
        id: EntryId,
        error: ErrorInfo,
    },
    Cancelled {
        id: EntryId,
    },
}

/// Everything that changes the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A file was handed to the pool.
    Added {
        id: EntryId,
        batch: u32,
        name: String,
        size: u64,
        demo: bool,
    },
    /// News from the pool.
    Pool(PoolEvent),
    /// The user closed a file's panel.
    Remove(EntryId),
    /// A problem not tied to one file (e.g. a stale worker script).
    Notice(String),
    /// The formats the workers read (from their `Ready`).
    Formats(Vec<FormatInfo>),
}

/// The page's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppState {
    pub entries: Vec<Entry>,
    pub notice: Option<String>,
    pub formats: Vec<FormatInfo>,
}

impl AppState {
    /// Entries as shown: the newest batch first, each batch in the order
    /// its files were given.
    pub fn in_display_order(&self) -> Vec<&Entry> {
        let mut entries: Vec<&Entry> = self.entries.iter().collect();
        entries.sort_by_key(|e| (std::cmp::Reverse(e.batch), e.id));
        entries
    }

    fn entry_mut(&mut self, id: EntryId) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Added {
                id,
                batch,
                name,
                size,
                demo,
            } => {
                self.entries.push(Entry {
                    id,
                    batch,
                    name,
                    size,
                    demo,
                    format: None,
                    status: Status::Queued,
                    levels: None,
                });
            }
            Action::Remove(id) => self.entries.retain(|e| e.id != id),
            Action::Notice(text) => self.notice = Some(text),
            Action::Formats(formats) => self.formats = formats,
            Action::Pool(event) => self.pool_event(event),
        }
    }

    fn pool_event(&mut self, event: PoolEvent) {
        let id = match &event {
            PoolEvent::Started { id }
            | PoolEvent::Detected { id, .. }
            | PoolEvent::Progress { id, .. }
            | PoolEvent::Levels { id, .. }
            | PoolEvent::Done { id, .. }
            | PoolEvent::Failed { id, .. }
            | PoolEvent::Cancelled { id } => *id,
        };
        // Late news about a file the user closed is dropped.
        let Some(entry) = self.entry_mut(id) else {
            return;
        };
        match event {
            PoolEvent::Started { .. } => {
                entry.status = Status::Reading {
                    bytes_done: 0,
                    elapsed_ms: 0.0,
                }
            }
            PoolEvent::Detected { format, .. } => entry.format = Some(format),
            PoolEvent::Progress {
                bytes_done,
                elapsed_ms,
                ..
            } => {
                if entry.is_active() {
                    entry.status = Status::Reading {
                        bytes_done,
                        elapsed_ms,
                    };
                }
            }
            PoolEvent::Levels { levels, .. } => entry.levels = Some(levels),
            PoolEvent::Done {
                summary,
                elapsed_ms,
                ..
            } => {
                entry.format = Some(summary.format);
                entry.status = Status::Done {
                    summary: Rc::new(*summary),
                    elapsed_ms,
                };
            }
            PoolEvent::Failed { error, .. } => entry.status = Status::Failed(error),
            PoolEvent::Cancelled { .. } => {
                if entry.is_active() {
                    entry.status = Status::Cancelled;
                }
            }
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn added(id: EntryId) -> Action {
        Action::Added {
            id,
            batch: 0,
            name: format!("f{id}.json"),
            size: 1000,
            demo: false,
        }
    }

    #[test]
    fn a_file_moves_from_queued_to_reading_to_failed() {
        let mut s = AppState::default();
        s.apply(added(1));
        assert_eq!(s.entries[0].status, Status::Queued);
        s.apply(Action::Pool(PoolEvent::Started { id: 1 }));
        s.apply(Action::Pool(PoolEvent::Progress {
            id: 1,
            bytes_done: 500,
            elapsed_ms: 1000.0,
        }));
        assert_eq!(s.entries[0].fraction(), 0.5);
        assert_eq!(s.entries[0].mb_per_s(), Some(0.0005));
        let error = ErrorInfo {
            code: "fmt".into(),
            message: "f1.json: not a format".into(),
        };
        s.apply(Action::Pool(PoolEvent::Failed {
            id: 1,
            error: error.clone(),
        }));
        assert_eq!(s.entries[0].status, Status::Failed(error));
        assert!(!s.entries[0].is_active());
    }

    #[test]
    fn newest_batch_first_in_given_order() {
        let mut s = AppState::default();
        for (id, batch) in [(0, 0), (1, 1), (2, 1), (3, 2)] {
            s.apply(Action::Added {
                id,
                batch,
                name: String::new(),
                size: 0,
                demo: false,
            });
        }
        let order: Vec<EntryId> = s.in_display_order().iter().map(|e| e.id).collect();
        assert_eq!(order, [3, 1, 2, 0]);
    }

    #[test]
    fn cancel_stops_an_active_file_only_and_late_news_is_ignored() {
        let mut s = AppState::default();
        s.apply(added(1));
        s.apply(added(2));
        s.apply(Action::Pool(PoolEvent::Started { id: 1 }));
        s.apply(Action::Pool(PoolEvent::Cancelled { id: 1 }));
        assert_eq!(s.entries[0].status, Status::Cancelled);
        // An Ack already on its way when Cancel was pressed does not revive it.
        s.apply(Action::Pool(PoolEvent::Progress {
            id: 1,
            bytes_done: 10,
            elapsed_ms: 1.0,
        }));
        assert_eq!(s.entries[0].status, Status::Cancelled);
        s.apply(Action::Remove(2));
        s.apply(Action::Pool(PoolEvent::Started { id: 2 }));
        assert_eq!(s.entries.len(), 1);
    }
}
