//! What the page shows: one [`Entry`] per file, changed only through
//! [`Action`]s (a `use_reducer`). Pure data, tested natively.

use std::rc::Rc;

use verdict_core::capacity::LevelSet;
use verdict_core::sla::Verdict;
use verdict_core::{Format, IngestOptions, RunSummary};
use verdict_rpc::{ErrorInfo, EvaluateError, FormatInfo};
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
        /// The analysis text the worker kept (summaries, histograms, time
        /// blocks): what comparisons, share links and storage use. `None`
        /// for tool-reported runs.
        analysis: Option<Rc<String>>,
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
    /// Place within its batch: a file read again keeps its place.
    pub order: u32,
    /// How the file is read (forced format, units, column mapping).
    pub options: IngestOptions,
    /// The columns of a CSV no reader recognised, as the worker listed
    /// them; kept when the file is read again, for the mapping form.
    pub columns: Vec<String>,
    pub name: String,
    /// The folder the file was picked in, when a folder was opened.
    pub folder: Option<String>,
    /// The name the user gave the run, over the one derived.
    pub renamed: Option<String>,
    pub size: u64,
    pub demo: bool,
    pub format: Option<Format>,
    pub status: Status,
    /// Its key in the browser's store of recent analyses, once kept there.
    pub saved: Option<f64>,
    /// Brought back from that store when the page opened.
    pub restored: bool,
    /// The run's capacity load levels, or why it has none (from the worker).
    pub levels: Option<Rc<Result<LevelSet, String>>>,
    /// The same run's levels cut by the request rate it held (for k6
    /// arrival-rate runs, which do not name their executor).
    pub levels_by_rate: Option<Rc<Result<LevelSet, String>>>,
    /// A worker holds the run, so SLA rules can be evaluated on it.
    pub held: bool,
    /// The SLA verdicts asked for last, and the answer once it came.
    pub sla: SlaState,
    /// How many runs were merged into this one (0: a file as read).
    pub merged: usize,
    /// Its worker let the run go to hold newer ones and the page keeps its
    /// analysis file instead, for Save, Merge and Trend (not for SLA rules).
    pub released: bool,
}

impl Entry {
    /// A file just named, nothing read yet: the one place every field of a
    /// new entry gets its starting value.
    fn queued(id: EntryId, batch: u32, name: String) -> Entry {
        Entry {
            id,
            batch,
            order: id,
            options: IngestOptions::default(),
            columns: Vec::new(),
            name,
            folder: None,
            renamed: None,
            size: 0,
            demo: false,
            format: None,
            status: Status::Queued,
            saved: None,
            restored: false,
            levels: None,
            levels_by_rate: None,
            held: false,
            sla: SlaState::default(),
            merged: 0,
            released: false,
        }
    }
}

/// The SLA evaluation of one run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SlaState {
    /// The ticket of the latest request; older answers are dropped.
    pub ticket: u32,
    /// The latest answer, kept on screen while a newer one is on its way
    /// (so the table does not flicker as the user types).
    pub answer: Option<Result<Rc<Vec<Verdict>>, EvaluateError>>,
    /// The ticket `answer` answers.
    pub answered: u32,
}

impl SlaState {
    /// Whether the answer shown is the answer to the latest request.
    pub fn is_current(&self) -> bool {
        self.answer.is_some() && self.answered == self.ticket
    }
}

impl Entry {
    /// Whether the page can get the run's analysis file (to save, merge or
    /// follow over time): a worker holds the run, or the page kept the file
    /// when the worker let the run go.
    pub fn has_analysis_file(&self) -> bool {
        self.held || self.released
    }

    /// Whether the file has been read.
    pub fn is_done(&self) -> bool {
        matches!(self.status, Status::Done { .. })
    }

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
        /// The run on the request-rate axis, when its own axis is VUs.
        by_rate: Option<Rc<Result<LevelSet, String>>>,
    },
    /// A worker holds the run for SLA evaluation.
    Held {
        id: EntryId,
    },
    /// The run's worker let it go; the page keeps its analysis file.
    Released {
        id: EntryId,
    },
    /// The answer to an SLA evaluation.
    Verdicts {
        id: EntryId,
        ticket: u32,
        verdicts: Result<Vec<Verdict>, EvaluateError>,
    },
    Done {
        id: EntryId,
        summary: Box<RunSummary>,
        elapsed_ms: f64,
        analysis: Option<String>,
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
        /// The folder it was picked in, when a folder was opened.
        folder: Option<String>,
        size: u64,
        demo: bool,
    },
    /// Runs are being merged into one new run, `id`, named `name`.
    Merging {
        id: EntryId,
        batch: u32,
        name: String,
        /// How many runs.
        runs: usize,
    },
    /// The user names a run (`None`: back to the derived name).
    Rename { id: EntryId, name: Option<String> },
    /// A file is read again under a new id with other options; its panel
    /// keeps its place and starts over.
    Reread {
        old: EntryId,
        id: EntryId,
        options: IngestOptions,
    },
    /// News from the pool.
    Pool(PoolEvent),
    /// The user closed a file's panel.
    Remove(EntryId),
    /// A problem not tied to one file (e.g. a stale worker script).
    Notice(String),
    /// The formats the workers read (from their `Ready`).
    Formats(Vec<FormatInfo>),
    /// An analysis kept in the browser, shown again as a finished file.
    Restored {
        id: EntryId,
        batch: u32,
        name: String,
        size: u64,
        summary: Box<RunSummary>,
        analysis: String,
        key: f64,
    },
    /// A file's analysis was kept in the browser under `key`.
    Saved { id: EntryId, key: f64 },
    /// The browser's store of analyses was emptied: restored panels go.
    StorageCleared,
    /// SLA rules were sent for evaluation under `ticket`.
    Evaluating { id: EntryId, ticket: u32 },
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
        entries.sort_by_key(|e| (std::cmp::Reverse(e.batch), e.order));
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
                folder,
                size,
                demo,
            } => {
                self.entries.push(Entry {
                    folder,
                    size,
                    demo,
                    ..Entry::queued(id, batch, name)
                });
            }
            Action::Merging {
                id,
                batch,
                name,
                runs,
            } => self.entries.push(Entry {
                merged: runs,
                ..Entry::queued(id, batch, name)
            }),
            Action::Restored {
                id,
                batch,
                name,
                size,
                summary,
                analysis,
                key,
            } => self.entries.push(Entry {
                size,
                format: Some(summary.format),
                status: Status::Done {
                    summary: Rc::new(*summary),
                    elapsed_ms: 0.0,
                    analysis: Some(Rc::new(analysis)),
                },
                saved: Some(key),
                restored: true,
                ..Entry::queued(id, batch, name)
            }),
            Action::Reread { old, id, options } => {
                if let Some(e) = self.entry_mut(old) {
                    e.id = id;
                    e.options = options;
                    e.format = None;
                    e.status = Status::Queued;
                    e.saved = None;
                    e.restored = false;
                    e.levels = None;
                    e.levels_by_rate = None;
                    e.held = false;
                    e.released = false;
                    e.sla = SlaState::default();
                }
            }
            Action::Rename { id, name } => {
                if let Some(e) = self.entry_mut(id) {
                    e.renamed = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
                }
            }
            Action::Saved { id, key } => {
                if let Some(e) = self.entry_mut(id) {
                    e.saved = Some(key);
                }
            }
            Action::StorageCleared => {
                self.entries.retain(|e| !e.restored);
                for e in &mut self.entries {
                    e.saved = None;
                }
            }
            Action::Remove(id) => self.entries.retain(|e| e.id != id),
            Action::Evaluating { id, ticket } => {
                if let Some(e) = self.entry_mut(id) {
                    e.sla.ticket = ticket;
                }
            }
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
            | PoolEvent::Held { id }
            | PoolEvent::Released { id }
            | PoolEvent::Verdicts { id, .. }
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
            PoolEvent::Levels {
                levels, by_rate, ..
            } => {
                entry.levels = Some(levels);
                entry.levels_by_rate = by_rate;
            }
            PoolEvent::Held { .. } => entry.held = true,
            PoolEvent::Released { .. } => entry.released = true,
            PoolEvent::Verdicts {
                ticket, verdicts, ..
            } => {
                // An answer to rules the user has since changed is stale.
                if ticket == entry.sla.ticket {
                    if matches!(verdicts, Err(EvaluateError::Forgotten { .. })) {
                        entry.held = false;
                    }
                    entry.sla.answer = Some(verdicts.map(Rc::new));
                    entry.sla.answered = ticket;
                }
            }
            PoolEvent::Done {
                summary,
                elapsed_ms,
                analysis,
                ..
            } => {
                entry.format = Some(summary.format);
                entry.status = Status::Done {
                    summary: Rc::new(*summary),
                    elapsed_ms,
                    analysis: analysis.map(Rc::new),
                };
            }
            PoolEvent::Failed { error, .. } => {
                if !error.columns.is_empty() {
                    entry.columns = error.columns.clone();
                }
                entry.status = Status::Failed(error);
            }
            PoolEvent::Cancelled { .. } => {
                if entry.is_active() {
                    entry.status = Status::Cancelled;
                }
            }
        }
    }
}

impl AppState {
    /// Finished files with a kept analysis (what can be compared or
    /// shared), in display order: (id, name, summary, analysis).
    pub fn analyses(&self) -> Vec<(EntryId, String, Rc<RunSummary>, Rc<String>)> {
        self.in_display_order()
            .into_iter()
            .filter_map(|e| match &e.status {
                Status::Done {
                    summary,
                    analysis: Some(a),
                    ..
                } => Some((e.id, e.name.clone(), summary.clone(), a.clone())),
                _ => None,
            })
            .collect()
    }

    /// Each entry's run name, distinct across the page: the user's name
    /// for it, or one derived from its folder, peak VUs and start time.
    pub fn run_names(&self) -> std::collections::HashMap<EntryId, String> {
        let mut entries: Vec<&Entry> = self.entries.iter().collect();
        entries.sort_by_key(|e| e.id);
        let mut names: Vec<String> = entries
            .iter()
            .map(|e| match (&e.renamed, &e.status) {
                (Some(n), _) => n.clone(),
                (None, Status::Done { summary, .. }) => {
                    crate::run_name::derive(&e.name, e.folder.as_deref(), Some(summary))
                }
                (None, _) => crate::run_name::derive(&e.name, e.folder.as_deref(), None),
            })
            .collect();
        crate::run_name::make_distinct(&mut names);
        entries.iter().map(|e| e.id).zip(names).collect()
    }

    /// Whether any of the user's own files (read now or kept from before)
    /// is done: from then on the demo joins nothing.
    pub fn has_own_runs(&self) -> bool {
        self.entries
            .iter()
            .any(|e| !e.demo && matches!(e.status, Status::Done { .. }))
    }

    /// Demo runs that leave because a file of the user's was read after
    /// them. A demo the user loads later again stays until the next file.
    pub fn demos_to_leave(&self) -> Vec<EntryId> {
        let Some(newest_own) = self
            .entries
            .iter()
            .filter(|e| !e.demo && matches!(e.status, Status::Done { .. }))
            .map(|e| e.id)
            .max()
        else {
            return Vec::new();
        };
        self.entries
            .iter()
            .filter(|e| e.demo && e.id < newest_own)
            .map(|e| e.id)
            .collect()
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
            folder: None,
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
        let error = ErrorInfo::new("fmt", "f1.json: not a format");
        s.apply(Action::Pool(PoolEvent::Failed {
            id: 1,
            error: error.clone(),
        }));
        assert_eq!(s.entries[0].status, Status::Failed(error));
        assert!(!s.entries[0].is_active());
    }

    #[test]
    fn kept_analyses_are_listed_saved_and_cleared() {
        let mut s = AppState::default();
        s.apply(added(1));
        s.apply(Action::Pool(PoolEvent::Done {
            id: 1,
            summary: Box::new(summary()),
            elapsed_ms: 5.0,
            analysis: Some("vd1.x".into()),
        }));
        s.apply(Action::Saved { id: 1, key: 7.0 });
        s.apply(Action::Restored {
            id: 2,
            batch: 9,
            name: "old.json".into(),
            size: 10,
            summary: Box::new(summary()),
            analysis: "vd1.y".into(),
            key: 3.0,
        });
        let listed: Vec<EntryId> = s.analyses().iter().map(|a| a.0).collect();
        assert_eq!(listed, [2, 1]);
        assert_eq!(s.entries[0].saved, Some(7.0));
        s.apply(Action::StorageCleared);
        assert_eq!(s.entries.len(), 1);
        assert_eq!(s.entries[0].saved, None);
    }

    fn summary() -> RunSummary {
        verdict_core::Run::new("x", Format::K6Ndjson).summary()
    }

    #[test]
    fn only_the_latest_sla_answer_is_kept() {
        let mut s = AppState::default();
        s.apply(added(1));
        s.apply(Action::Pool(PoolEvent::Held { id: 1 }));
        assert!(s.entries[0].held);
        s.apply(Action::Evaluating { id: 1, ticket: 1 });
        s.apply(Action::Evaluating { id: 1, ticket: 2 });
        s.apply(Action::Pool(PoolEvent::Verdicts {
            id: 1,
            ticket: 1,
            verdicts: Ok(Vec::new()),
        }));
        assert_eq!(s.entries[0].sla.answer, None, "ticket 1 is stale");
        assert!(!s.entries[0].sla.is_current());
        let forgotten = EvaluateError::Forgotten { run: 3 };
        s.apply(Action::Pool(PoolEvent::Verdicts {
            id: 1,
            ticket: 2,
            verdicts: Err(forgotten.clone()),
        }));
        assert_eq!(s.entries[0].sla.answer, Some(Err(forgotten)));
        assert!(s.entries[0].sla.is_current());
        // A newer request keeps the last answer on screen until it is answered.
        s.apply(Action::Evaluating { id: 1, ticket: 3 });
        assert!(s.entries[0].sla.answer.is_some() && !s.entries[0].sla.is_current());
        assert!(!s.entries[0].held, "a forgotten run is no longer held");
        assert!(!s.entries[0].has_analysis_file());
    }

    #[test]
    fn a_released_run_keeps_its_analysis_file_but_not_its_sla_evaluation() {
        let mut s = AppState::default();
        s.apply(added(1));
        s.apply(Action::Pool(PoolEvent::Held { id: 1 }));
        s.apply(Action::Pool(PoolEvent::Released { id: 1 }));
        s.apply(Action::Evaluating { id: 1, ticket: 1 });
        s.apply(Action::Pool(PoolEvent::Verdicts {
            id: 1,
            ticket: 1,
            verdicts: Err(EvaluateError::Forgotten { run: 1 }),
        }));
        assert!(!s.entries[0].held);
        assert!(s.entries[0].has_analysis_file());
        // Read again, it starts over: the new read will be held anew.
        s.apply(Action::Reread {
            old: 1,
            id: 2,
            options: IngestOptions::default(),
        });
        assert!(!s.entries[0].has_analysis_file());
    }

    #[test]
    fn the_demo_leaves_once_a_users_file_is_read_and_a_failed_file_keeps_it() {
        let mut s = AppState::default();
        s.apply(Action::Added {
            id: 0,
            batch: 0,
            name: "run.csv.gz".into(),
            folder: None,
            size: 10,
            demo: true,
        });
        s.apply(Action::Pool(PoolEvent::Done {
            id: 0,
            summary: Box::new(summary()),
            elapsed_ms: 1.0,
            analysis: None,
        }));
        assert!(!s.has_own_runs());
        assert!(s.demos_to_leave().is_empty(), "the demo alone stays");
        s.apply(added(1));
        s.apply(Action::Pool(PoolEvent::Failed {
            id: 1,
            error: ErrorInfo::new("fmt", "f1.json: not a format"),
        }));
        assert!(
            s.demos_to_leave().is_empty(),
            "a file that failed keeps the demo"
        );
        s.apply(added(2));
        s.apply(Action::Pool(PoolEvent::Done {
            id: 2,
            summary: Box::new(summary()),
            elapsed_ms: 1.0,
            analysis: None,
        }));
        assert!(s.has_own_runs());
        assert_eq!(s.demos_to_leave(), [0]);
        // Loaded again on purpose after the user's file: it stays.
        s.apply(Action::Added {
            id: 3,
            batch: 3,
            name: "run.csv.gz".into(),
            folder: None,
            size: 10,
            demo: true,
        });
        assert_eq!(s.demos_to_leave(), [0]);
    }

    #[test]
    fn run_names_use_the_folder_stay_distinct_and_follow_a_rename() {
        let mut s = AppState::default();
        for (id, folder) in [
            (1, Some("vus_010")),
            (2, Some("vus_025")),
            (3, None),
            (4, None),
        ] {
            s.apply(Action::Added {
                id,
                batch: 0,
                name: "run.json.gz".into(),
                folder: folder.map(str::to_string),
                size: 1,
                demo: false,
            });
        }
        let names = s.run_names();
        assert_eq!(names[&1], "vus_010/run.json.gz");
        assert_eq!(names[&2], "vus_025/run.json.gz");
        assert_eq!(names[&3], "run.json.gz");
        assert_eq!(names[&4], "run.json.gz (2)");
        s.apply(Action::Rename {
            id: 4,
            name: Some("  after the fix ".into()),
        });
        assert_eq!(s.run_names()[&4], "after the fix");
        s.apply(Action::Rename {
            id: 4,
            name: Some(" ".into()),
        });
        assert_eq!(
            s.run_names()[&4],
            "run.json.gz (2)",
            "a blank name goes back to the derived one"
        );
    }

    #[test]
    fn newest_batch_first_in_given_order() {
        let mut s = AppState::default();
        for (id, batch) in [(0, 0), (1, 1), (2, 1), (3, 2)] {
            s.apply(Action::Added {
                id,
                batch,
                name: String::new(),
                folder: None,
                size: 0,
                demo: false,
            });
        }
        let order: Vec<EntryId> = s.in_display_order().iter().map(|e| e.id).collect();
        assert_eq!(order, [3, 1, 2, 0]);
    }

    #[test]
    fn a_file_read_again_keeps_its_place_and_the_columns_it_listed() {
        let mut s = AppState::default();
        for id in [1, 2] {
            s.apply(added(id));
        }
        let mut error = ErrorInfo::new("csv-mapping", "f1.json: map its columns");
        error.columns = vec!["ts".into(), "took".into()];
        s.apply(Action::Pool(PoolEvent::Failed { id: 1, error }));
        let options = IngestOptions {
            format: Some(Format::Hgrm),
            ..IngestOptions::default()
        };
        s.apply(Action::Reread {
            old: 1,
            id: 7,
            options: options.clone(),
        });
        let order: Vec<EntryId> = s.in_display_order().iter().map(|e| e.id).collect();
        assert_eq!(order, [7, 2]);
        let e = &s.entries[0];
        assert_eq!((&e.status, &e.options), (&Status::Queued, &options));
        assert_eq!(e.columns, ["ts", "took"]);
        // News about the old id no longer lands anywhere.
        s.apply(Action::Pool(PoolEvent::Started { id: 1 }));
        assert_eq!(s.entries[0].status, Status::Queued);
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
