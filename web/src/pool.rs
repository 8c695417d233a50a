//! The page side of the workers: a pool of up to
//! `navigator.hardwareConcurrency` Web Workers, one file each, and the chunk
//! pump that feeds them.
//!
//! For each file the pump reads [`CHUNK_BYTES`] at a time with `Blob.slice`
//! (three reads under way), sends the slices in order, and keeps at most
//! [`MAX_IN_FLIGHT`] of them un-acknowledged, so neither side ever holds the
//! file and the worker rarely waits for the disk. Slices are transferred, not
//! copied. After the last `Ack` it sends `Finish`.
//!
//! We use `web_sys::Worker` directly rather than gloo-worker: it lets the
//! `ArrayBuffer` be transferred, the worker script be a plain same-origin
//! file (no Blob URL for the CSP to allow), and its URL stay relative, so the
//! page works under any sub-path.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::rc::{Rc, Weak};

use js_sys::{Array, ArrayBuffer, Uint8Array};
use serde_bytes::ByteBuf;
use verdict_core::capacity::LevelSet;
use verdict_core::trend::Trend;
use verdict_core::IngestOptions;
use verdict_rpc::{ErrorInfo, EvaluateError, Request, Response, PROTOCOL_VERSION};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::Callback;

use crate::state::{Action, EntryId, PoolEvent};

/// Bytes per slice: large enough that per-message costs vanish, small
/// enough that progress moves and memory stays flat.
pub const CHUNK_BYTES: f64 = 8.0 * 1024.0 * 1024.0;
/// Slices sent but not yet acknowledged, per file.
pub const MAX_IN_FLIGHT: u32 = 2;
/// Slice reads under way at once, per file.
const MAX_READS: u32 = 3;
/// Slices alive at once per file (being read, read, or un-acknowledged):
/// bounds the page's memory to `MAX_BUFFERED × CHUNK_BYTES` per file.
const MAX_BUFFERED: u32 = 5;
/// The worker entry Trunk writes (`data-loader-shim`), relative to the page.
pub const WORKER_URL: &str = "worker_loader.js";

/// A handle on the pool; clones share it.
#[derive(Clone)]
pub struct Pool {
    inner: Rc<RefCell<Inner>>,
}

impl PartialEq for Pool {
    fn eq(&self, other: &Pool) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

struct Inner {
    max_workers: usize,
    slots: Vec<Slot>,
    queue: VecDeque<Job>,
    emit: Callback<Action>,
    next_key: u32,
    /// Whether the formats list from a worker's `Ready` went to the page.
    formats_sent: bool,
    /// Which worker (slot key) holds each finished file's run, and its id there.
    held: HashMap<EntryId, (u32, u32)>,
    /// Tickets for `Save` and `Trend`, unique across workers.
    next_ticket: u32,
    /// Analysis files being gathered from the workers, by gathering.
    gathers: HashMap<u32, Gather>,
    /// `Save` tickets: (worker key, gathering, place in it, the run's entry).
    saves: HashMap<u32, (u32, u32, usize, EntryId)>,
    /// The `.verdict` bytes of runs their worker let go for newer ones
    /// ([`Response::Released`]): what Save, Merge and Trend use for them.
    released: HashMap<EntryId, Rc<Vec<u8>>>,
    /// `Trend` tickets: (worker key, who wants the answer).
    trends: HashMap<u32, (u32, TrendDone)>,
}

/// Who wants a gathering's analysis files.
pub type FilesDone = Callback<Result<Vec<Vec<u8>>, String>>;
/// Who wants a trend.
pub type TrendDone = Callback<Result<Rc<Trend>, String>>;

/// Analysis files asked of the workers that hold the runs, for one purpose
/// (a download, a merge, a trend).
struct Gather {
    files: Vec<Option<Vec<u8>>>,
    done: FilesDone,
}

struct Slot {
    /// Stable identity: indices shift when a broken worker is removed.
    key: u32,
    worker: Worker,
    state: SlotState,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

enum SlotState {
    /// Loading its Wasm; becomes `Idle` on `Ready`.
    Starting,
    Idle,
    Busy(Active),
    /// Sent `Cancel` and waits for `Cancelled`, so that answers to slices
    /// already sent are never mistaken for the next file's.
    Draining,
}

struct Job {
    id: EntryId,
    blob: Blob,
    name: String,
    options: IngestOptions,
    /// Analysis files to merge into one run, instead of a file to read.
    merge: Option<Vec<Vec<u8>>>,
}

struct Active {
    id: EntryId,
    name: String,
    blob: Blob,
    size: f64,
    /// Next byte to read.
    next_offset: f64,
    /// `seq` of the next slice to read, and of the next to send.
    next_read: u32,
    next_send: u32,
    /// Reads under way.
    reading: u32,
    /// Slices read and waiting for their turn to be sent, by `seq`, with
    /// the offset they end at.
    read: BTreeMap<u32, (ArrayBuffer, f64)>,
    /// Slices sent and not yet acknowledged.
    in_flight: u32,
    finishing: bool,
    started_ms: f64,
    /// The analysis the worker kept, sent right before `Done`.
    kept: Option<String>,
    /// The id the worker holds the run under, sent right before `Done`.
    held_run: Option<u32>,
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn describe(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

fn post(worker: &Worker, request: &Request) -> Result<(), String> {
    let value = crate::wire::encode_request(request)?;
    worker.post_message(&value).map_err(|e| describe(&e))
}

impl Pool {
    /// An empty pool that reports through `emit`. Workers start on demand.
    pub fn new(emit: Callback<Action>) -> Pool {
        let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
        let max_workers = if cores.is_finite() && cores >= 1.0 {
            cores as usize
        } else {
            1
        };
        Pool {
            inner: Rc::new(RefCell::new(Inner {
                max_workers,
                slots: Vec::new(),
                queue: VecDeque::new(),
                emit,
                next_key: 0,
                formats_sent: false,
                held: HashMap::new(),
                next_ticket: 0,
                gathers: HashMap::new(),
                saves: HashMap::new(),
                released: HashMap::new(),
                trends: HashMap::new(),
            })),
        }
    }

    /// How many workers may run at once.
    pub fn max_workers(&self) -> usize {
        self.inner.borrow().max_workers
    }

    /// Queues a file (or any blob) for reading with `options`.
    pub fn add(&self, id: EntryId, blob: Blob, name: String, options: IngestOptions) {
        self.inner.borrow_mut().queue.push_back(Job {
            id,
            blob,
            name,
            options,
            merge: None,
        });
        schedule(&self.inner);
    }

    /// Queues a merge of analysis files into one run, `id`, reported as a
    /// file read is (`Started`, `Levels`, `Held`, `Done` or `Failed`).
    pub fn merge(&self, id: EntryId, name: String, files: Vec<Vec<u8>>) -> Result<(), String> {
        let blob = Blob::new().map_err(|e| describe(&e))?;
        self.inner.borrow_mut().queue.push_back(Job {
            id,
            blob,
            name,
            options: IngestOptions::default(),
            merge: Some(files),
        });
        schedule(&self.inner);
        Ok(())
    }

    /// The runs' `.verdict` analysis files, from the page for runs their
    /// worker let go, else asked of the workers holding them; `done` gets
    /// them in the order given, or why not (a run no worker holds, a worker
    /// that stopped).
    pub fn analysis_files(&self, runs: &[(EntryId, String)], done: FilesDone) {
        let answer = {
            let mut inner = self.inner.borrow_mut();
            inner.next_ticket = inner.next_ticket.wrapping_add(1);
            let gathering = inner.next_ticket;
            let files: Vec<Option<Vec<u8>>> = runs
                .iter()
                .map(|(id, _)| inner.released.get(id).map(|b| b.to_vec()))
                .collect();
            inner.gathers.insert(
                gathering,
                Gather {
                    files,
                    done: done.clone(),
                },
            );
            let mut failure = None;
            for (place, (id, name)) in runs.iter().enumerate() {
                if inner.released.contains_key(id) {
                    continue;
                }
                let Some(&(key, run)) = inner.held.get(id) else {
                    failure = Some(format!(
                        "{name} is no longer held by a worker (kept analyses and runs pushed out by newer ones are not); open the file again"
                    ));
                    break;
                };
                inner.next_ticket = inner.next_ticket.wrapping_add(1);
                let ticket = inner.next_ticket;
                let sent = inner
                    .slots
                    .iter()
                    .find(|s| s.key == key)
                    .ok_or_else(|| "its worker stopped".to_string())
                    .and_then(|slot| post(&slot.worker, &Request::Save { run, ticket }));
                if let Err(e) = sent {
                    failure = Some(format!("{name}: {e}"));
                    break;
                }
                inner.saves.insert(ticket, (key, gathering, place, *id));
            }
            if failure.is_some() {
                inner.gathers.remove(&gathering);
                inner.saves.retain(|_, (_, g, ..)| *g != gathering);
                failure.map(Err)
            } else if inner
                .gathers
                .get(&gathering)
                .is_some_and(|g| g.files.iter().all(Option::is_some))
            {
                // All kept by the page (or none asked for): no worker needed.
                inner
                    .gathers
                    .remove(&gathering)
                    .map(|g| Ok(g.files.into_iter().flatten().collect()))
            } else {
                None
            }
        };
        if let Some(result) = answer {
            done.emit(result);
        }
    }

    /// The trend across runs given as (name, analysis file), computed in a
    /// worker (an idle one when there is one) as `verdict trend` computes it.
    pub fn trend(&self, runs: Vec<(String, Vec<u8>)>, done: Callback<Result<Rc<Trend>, String>>) {
        let failure = {
            let mut inner = self.inner.borrow_mut();
            inner.next_ticket = inner.next_ticket.wrapping_add(1);
            let ticket = inner.next_ticket;
            let slot = inner
                .slots
                .iter()
                .find(|s| matches!(s.state, SlotState::Idle))
                .or_else(|| {
                    inner
                        .slots
                        .iter()
                        .find(|s| !matches!(s.state, SlotState::Starting))
                });
            let request = Request::Trend {
                ticket,
                runs: runs
                    .into_iter()
                    .map(|(name, bytes)| (name, ByteBuf::from(bytes)))
                    .collect(),
            };
            match slot.map(|s| (s.key, post(&s.worker, &request))) {
                Some((key, Ok(()))) => {
                    inner.trends.insert(ticket, (key, done.clone()));
                    None
                }
                Some((_, Err(e))) => Some(e),
                None => Some("no worker is running".to_string()),
            }
        };
        if let Some(e) = failure {
            done.emit(Err(e));
        }
    }

    /// Stops reading a file, queued or running. The worker stays in the pool.
    pub fn cancel(&self, id: EntryId) {
        let mut actions = Vec::new();
        {
            let mut inner = self.inner.borrow_mut();
            let queued = inner.queue.len();
            inner.queue.retain(|j| j.id != id);
            if inner.queue.len() < queued {
                actions.push(Action::Pool(PoolEvent::Cancelled { id }));
            }
            for slot in &mut inner.slots {
                if matches!(&slot.state, SlotState::Busy(a) if a.id == id) {
                    slot.state = SlotState::Draining;
                    if let Err(e) = post(&slot.worker, &Request::Cancel) {
                        web_sys::console::error_1(&JsValue::from_str(&e));
                    }
                    actions.push(Action::Pool(PoolEvent::Cancelled { id }));
                }
            }
        }
        emit_all(&self.inner, actions);
    }
}

impl Pool {
    /// Asks the worker holding `id`'s run for the verdicts of `sla` (SLA
    /// TOML). The answer comes as [`PoolEvent::Verdicts`] with `ticket`; a run
    /// no worker holds is answered at once with [`EvaluateError::Forgotten`].
    pub fn evaluate(&self, id: EntryId, ticket: u32, sla: String) {
        let failure = {
            let inner = self.inner.borrow();
            match inner.held.get(&id).and_then(|(key, run)| {
                let slot = inner.slots.iter().find(|s| s.key == *key)?;
                Some((slot, *run))
            }) {
                Some((slot, run)) => post(&slot.worker, &Request::Evaluate { run, ticket, sla })
                    .err()
                    .map(|e| {
                        web_sys::console::error_1(&JsValue::from_str(&e));
                        run
                    }),
                None => Some(0),
            }
        };
        if let Some(run) = failure {
            emit_all(
                &self.inner,
                vec![Action::Pool(PoolEvent::Verdicts {
                    id,
                    ticket,
                    verdicts: Err(EvaluateError::Forgotten { run }),
                })],
            );
        }
    }

    /// Lets the worker drop `id`'s run (its panel was closed).
    pub fn forget(&self, id: EntryId) {
        let mut inner = self.inner.borrow_mut();
        inner.released.remove(&id);
        if let Some((key, run)) = inner.held.remove(&id) {
            if let Some(slot) = inner.slot_mut(key) {
                if let Err(e) = post(&slot.worker, &Request::Forget { run }) {
                    web_sys::console::error_1(&JsValue::from_str(&e));
                }
            }
        }
    }
}

fn emit_all(rc: &Rc<RefCell<Inner>>, actions: Vec<Action>) {
    if actions.is_empty() {
        return;
    }
    // Emit with no borrow held: a re-render may call back into the pool.
    let emit = rc.borrow().emit.clone();
    for action in actions {
        emit.emit(action);
    }
}

impl Inner {
    fn slot_mut(&mut self, key: u32) -> Option<&mut Slot> {
        self.slots.iter_mut().find(|s| s.key == key)
    }
}

/// Gives queued files to idle workers, starting workers as needed.
fn schedule(rc: &Rc<RefCell<Inner>>) {
    let mut actions = Vec::new();
    let mut started = Vec::new();
    {
        let mut inner = rc.borrow_mut();
        while !inner.queue.is_empty() {
            if let Some(slot) = inner
                .slots
                .iter()
                .position(|s| matches!(s.state, SlotState::Idle))
            {
                let Some(job) = inner.queue.pop_front() else {
                    break;
                };
                let slot = &mut inner.slots[slot];
                let size = job.blob.size();
                let merging = job.merge.is_some();
                let open = match job.merge {
                    Some(files) => Request::Merge {
                        runs: files.into_iter().map(ByteBuf::from).collect(),
                    },
                    None => Request::Open {
                        file_name: job.name.clone(),
                        size: size as u64,
                        options: job.options.clone(),
                    },
                };
                if let Err(e) = post(&slot.worker, &open) {
                    actions.push(failed(
                        job.id,
                        "worker",
                        format!("could not reach the worker: {e}"),
                    ));
                    continue;
                }
                slot.state = SlotState::Busy(Active {
                    id: job.id,
                    name: job.name,
                    blob: job.blob,
                    size,
                    next_offset: 0.0,
                    next_read: 0,
                    next_send: 0,
                    reading: 0,
                    read: BTreeMap::new(),
                    in_flight: 0,
                    // A merge has no slices: its answers come unasked.
                    finishing: merging,
                    started_ms: now_ms(),
                    kept: None,
                    held_run: None,
                });
                actions.push(Action::Pool(PoolEvent::Started { id: job.id }));
                started.push(slot.key);
            } else if inner
                .slots
                .iter()
                .any(|s| matches!(s.state, SlotState::Starting))
            {
                // A worker is loading and will take the next file.
                break;
            } else if inner.slots.len() < inner.max_workers {
                match spawn(rc, &mut inner) {
                    Ok(slot) => inner.slots.push(slot),
                    Err(e) => {
                        let jobs: Vec<Job> = inner.queue.drain(..).collect();
                        actions.extend(jobs.into_iter().map(|j| failed(j.id, "worker", e.clone())));
                    }
                }
                break;
            } else {
                break;
            }
        }
    }
    emit_all(rc, actions);
    for key in started {
        pump(rc, key);
    }
}

fn failed(id: EntryId, code: &str, message: String) -> Action {
    Action::Pool(PoolEvent::Failed {
        id,
        error: ErrorInfo::new(code, message),
    })
}

fn spawn(rc: &Rc<RefCell<Inner>>, inner: &mut Inner) -> Result<Slot, String> {
    let options = WorkerOptions::new();
    // `data-bindgen-target="web"` makes the worker an ES module.
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(WORKER_URL, &options).map_err(|e| {
        format!(
            "could not start a worker from {WORKER_URL}: {}",
            describe(&e)
        )
    })?;
    let key = inner.next_key;
    inner.next_key += 1;
    let weak: Weak<RefCell<Inner>> = Rc::downgrade(rc);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(rc) = weak.upgrade() {
            match crate::wire::decode_response(event.data()) {
                Ok(response) => on_response(&rc, key, response),
                Err(e) => web_sys::console::error_1(&JsValue::from_str(&e)),
            }
        }
    });
    let weak: Weak<RefCell<Inner>> = Rc::downgrade(rc);
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
        event.prevent_default();
        if let Some(rc) = weak.upgrade() {
            on_worker_error(&rc, key, event.message());
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Slot {
        key,
        worker,
        state: SlotState::Starting,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// Keeps the pipeline full: starts slice reads (three at a time: the browser
/// reads a file 2–3 times faster with several reads outstanding), sends read
/// slices in order while fewer than [`MAX_IN_FLIGHT`] are un-acknowledged,
/// and sends `Finish` once every slice is acknowledged.
fn pump(rc: &Rc<RefCell<Inner>>, key: u32) {
    loop {
        let mut inner = rc.borrow_mut();
        let Some(slot) = inner.slot_mut(key) else {
            return;
        };
        let SlotState::Busy(active) = &mut slot.state else {
            return;
        };
        // Send what is read, in order.
        while active.in_flight < MAX_IN_FLIGHT {
            let Some((buffer, end)) = active.read.remove(&active.next_send) else {
                break;
            };
            let sent = crate::wire::chunk_message(active.next_send, &Uint8Array::new(&buffer))
                .and_then(|message| {
                    slot.worker
                        .post_message_with_transfer(&message, &Array::of1(&buffer))
                        .map_err(|e| describe(&e))
                });
            if let Err(e) = sent {
                let message = format!(
                    "{}: could not hand bytes up to {end:.0} to the worker: {e}",
                    active.name
                );
                let id = active.id;
                drop(inner);
                abandon(rc, key, failed(id, "read", message));
                return;
            }
            active.next_send += 1;
            active.in_flight += 1;
        }
        let buffered = active.reading + active.read.len() as u32 + active.in_flight;
        if active.next_offset < active.size && active.reading < MAX_READS && buffered < MAX_BUFFERED
        {
            let (start, end) = (
                active.next_offset,
                (active.next_offset + CHUNK_BYTES).min(active.size),
            );
            let promise = match active.blob.slice_with_f64_and_f64(start, end) {
                Ok(slice) => slice.array_buffer(),
                Err(e) => {
                    let message = format!(
                        "{}: the browser could not slice the file: {}",
                        active.name,
                        describe(&e)
                    );
                    let id = active.id;
                    drop(inner);
                    abandon(rc, key, failed(id, "read", message));
                    return;
                }
            };
            let (id, seq) = (active.id, active.next_read);
            active.next_read += 1;
            active.next_offset = end;
            active.reading += 1;
            drop(inner);
            let weak = Rc::downgrade(rc);
            wasm_bindgen_futures::spawn_local(async move {
                let result = JsFuture::from(promise).await;
                if let Some(rc) = weak.upgrade() {
                    slice_read(&rc, key, id, seq, start, end, result);
                }
            });
            // Maybe another read fits.
            continue;
        }
        let all_sent =
            active.next_offset >= active.size && active.reading == 0 && active.read.is_empty();
        if all_sent && active.in_flight == 0 && !active.finishing {
            active.finishing = true;
            if let Err(e) = post(&slot.worker, &Request::Finish) {
                web_sys::console::error_1(&JsValue::from_str(&e));
            }
        }
        return;
    }
}

fn slice_read(
    rc: &Rc<RefCell<Inner>>,
    key: u32,
    id: EntryId,
    seq: u32,
    start: f64,
    end: f64,
    result: Result<JsValue, JsValue>,
) {
    let mut inner = rc.borrow_mut();
    let Some(slot) = inner.slot_mut(key) else {
        return;
    };
    // The file may have been cancelled (and the worker given another) while
    // the slice was being read.
    let SlotState::Busy(active) = &mut slot.state else {
        return;
    };
    if active.id != id {
        return;
    }
    active.reading -= 1;
    match result {
        Ok(buffer) => {
            active.read.insert(seq, (buffer.unchecked_into(), end));
            drop(inner);
            pump(rc, key);
        }
        Err(e) => {
            let message = format!(
                "{}: could not read bytes {start:.0}–{end:.0}: {}",
                active.name,
                describe(&e)
            );
            drop(inner);
            abandon(rc, key, failed(id, "read", message));
        }
    }
}

/// Gives up on a slot's file: reports `action`, and drains the worker.
fn abandon(rc: &Rc<RefCell<Inner>>, key: u32, action: Action) {
    {
        let mut inner = rc.borrow_mut();
        if let Some(slot) = inner.slot_mut(key) {
            slot.state = SlotState::Draining;
            if let Err(e) = post(&slot.worker, &Request::Cancel) {
                web_sys::console::error_1(&JsValue::from_str(&e));
            }
        }
    }
    emit_all(rc, vec![action]);
}

fn on_response(rc: &Rc<RefCell<Inner>>, key: u32, response: Response) {
    let mut actions = Vec::new();
    let mut next = None::<fn(&Rc<RefCell<Inner>>, u32)>;
    {
        let mut inner = rc.borrow_mut();
        // Verdicts may come back whatever the worker is reading meanwhile.
        if let Response::Verdicts {
            run,
            ticket,
            verdicts,
        } = response
        {
            let id = inner
                .held
                .iter()
                .find(|(_, held)| **held == (key, run))
                .map(|(id, _)| *id);
            drop(inner);
            if let Some(id) = id {
                emit_all(
                    rc,
                    vec![Action::Pool(PoolEvent::Verdicts {
                        id,
                        ticket,
                        verdicts,
                    })],
                );
            }
            return;
        }
        if let Response::Saved { ticket, bytes, .. } = response {
            let finished = inner
                .saves
                .remove(&ticket)
                .and_then(|(_, gathering, place, id)| {
                    // Let go of since it was asked for: the page has it now.
                    let bytes = match (bytes, inner.released.get(&id)) {
                        (Err(_), Some(kept)) => Ok(ByteBuf::from(kept.to_vec())),
                        (bytes, _) => bytes,
                    };
                    let g = inner.gathers.get_mut(&gathering)?;
                    let complete = match bytes {
                        Err(e) => Some(Err(e.to_string())),
                        Ok(bytes) => {
                            if let Some(file) = g.files.get_mut(place) {
                                *file = Some(bytes.into_vec());
                            }
                            g.files.iter().all(Option::is_some).then_some(Ok(()))
                        }
                    }?;
                    let g = inner.gathers.remove(&gathering)?;
                    // A failure leaves the other answers nothing to fill.
                    inner.saves.retain(|_, (_, other, ..)| *other != gathering);
                    Some((
                        g.done,
                        complete.map(|()| g.files.into_iter().flatten().collect()),
                    ))
                });
            drop(inner);
            if let Some((done, result)) = finished {
                done.emit(result);
            }
            return;
        }
        if let Response::Released { run, bytes } = response {
            // Any worker state: the worker let `run` go to hold a newer one.
            let id = inner
                .held
                .iter()
                .find(|(_, held)| **held == (key, run))
                .map(|(id, _)| *id);
            let Some(id) = id else {
                return;
            };
            inner.held.remove(&id);
            let event = match bytes {
                Ok(bytes) => {
                    inner.released.insert(id, Rc::new(bytes.into_vec()));
                    Some(Action::Pool(PoolEvent::Released { id }))
                }
                Err(e) => {
                    web_sys::console::error_1(&JsValue::from_str(&e.to_string()));
                    None
                }
            };
            drop(inner);
            emit_all(rc, event.into_iter().collect());
            return;
        }
        if let Response::Trend { ticket, trend } = response {
            let wanted = inner.trends.remove(&ticket);
            drop(inner);
            if let Some((_, done)) = wanted {
                done.emit(trend.map(|t| Rc::new(*t)));
            }
            return;
        }
        let mut now_held = None;
        let Some(slot) = inner.slot_mut(key) else {
            return;
        };
        match (response, &mut slot.state) {
            (Response::Ready { protocol, formats }, SlotState::Starting)
                if protocol == PROTOCOL_VERSION =>
            {
                slot.state = SlotState::Idle;
                if !inner.formats_sent {
                    inner.formats_sent = true;
                    actions.push(Action::Formats(formats));
                }
                next = Some(|rc, _| schedule(rc));
            }
            (Response::Ready { protocol, .. }, _) => {
                slot.worker.terminate();
                inner.slots.retain(|s| s.key != key);
                let jobs: Vec<Job> = inner.queue.drain(..).collect();
                let message = format!(
                    "The page and its worker script are from different versions (protocol {PROTOCOL_VERSION} vs {protocol}). Reload the page."
                );
                actions.extend(
                    jobs.into_iter()
                        .map(|j| failed(j.id, "protocol", message.clone())),
                );
                actions.push(Action::Notice(message));
            }
            (Response::Detected { format }, SlotState::Busy(active)) => {
                actions.push(Action::Pool(PoolEvent::Detected {
                    id: active.id,
                    format,
                }));
            }
            (Response::Ack { bytes_done, .. }, SlotState::Busy(active)) => {
                active.in_flight = active.in_flight.saturating_sub(1);
                let elapsed_ms = now_ms() - active.started_ms;
                actions.push(Action::Pool(PoolEvent::Progress {
                    id: active.id,
                    bytes_done,
                    elapsed_ms,
                }));
                next = Some(pump);
            }
            (Response::Kept(text), SlotState::Busy(active)) => active.kept = Some(text),
            (Response::Held { run }, SlotState::Busy(active)) => active.held_run = Some(run),
            (
                Response::Levels {
                    levels,
                    refusal,
                    by_rate,
                    by_rate_refusal,
                },
                SlotState::Busy(active),
            ) => {
                let reading = |set: Option<Box<LevelSet>>, why: Option<String>| match (set, why) {
                    (Some(set), _) => Ok(*set),
                    (None, why) => Err(why.unwrap_or_else(|| "no load levels".into())),
                };
                let by_rate = (by_rate.is_some() || by_rate_refusal.is_some())
                    .then(|| Rc::new(reading(by_rate, by_rate_refusal)));
                actions.push(Action::Pool(PoolEvent::Levels {
                    id: active.id,
                    levels: Rc::new(reading(levels, refusal)),
                    by_rate,
                }));
            }
            (Response::Done(summary), SlotState::Busy(active)) => {
                let elapsed_ms = now_ms() - active.started_ms;
                if let Some(run) = active.held_run {
                    now_held = Some((active.id, run));
                    actions.push(Action::Pool(PoolEvent::Held { id: active.id }));
                }
                actions.push(Action::Pool(PoolEvent::Done {
                    id: active.id,
                    summary,
                    elapsed_ms,
                    analysis: active.kept.take(),
                }));
                slot.state = SlotState::Idle;
                next = Some(|rc, _| schedule(rc));
            }
            (Response::Error(error), SlotState::Busy(active)) => {
                actions.push(Action::Pool(PoolEvent::Failed {
                    id: active.id,
                    error,
                }));
                // Slices may still be on their way to the worker: drain first.
                slot.state = SlotState::Draining;
                if let Err(e) = post(&slot.worker, &Request::Cancel) {
                    web_sys::console::error_1(&JsValue::from_str(&e));
                }
            }
            (Response::Cancelled, SlotState::Draining | SlotState::Busy(_)) => {
                slot.state = SlotState::Idle;
                next = Some(|rc, _| schedule(rc));
            }
            // Answers to slices of a file that was cancelled or failed.
            (
                Response::Ack { .. }
                | Response::Detected { .. }
                | Response::Error(_)
                | Response::Kept(_)
                | Response::Held { .. }
                | Response::Levels { .. }
                | Response::Done(_),
                SlotState::Draining,
            ) => {}
            (other, _) => {
                web_sys::console::warn_1(&JsValue::from_str(&format!(
                    "unexpected worker message: {other:?}"
                )));
            }
        }
        if let Some((id, run)) = now_held {
            inner.held.insert(id, (key, run));
        }
    }
    emit_all(rc, actions);
    if let Some(next) = next {
        next(rc, key);
    }
}

fn on_worker_error(rc: &Rc<RefCell<Inner>>, key: u32, message: String) {
    let mut actions = Vec::new();
    let mut answers: Vec<(FilesDone, Result<_, String>)> = Vec::new();
    let mut trend_answers: Vec<(TrendDone, Result<_, String>)> = Vec::new();
    {
        let mut inner = rc.borrow_mut();
        let Some(index) = inner.slots.iter().position(|s| s.key == key) else {
            return;
        };
        let slot = inner.slots.remove(index);
        slot.worker.terminate();
        // Its runs are gone with it; evaluating them says so.
        inner.held.retain(|_, (holder, _)| *holder != key);
        let stopped = format!("a worker stopped: {message}");
        let lost: HashSet<u32> = inner
            .saves
            .values()
            .filter(|(holder, ..)| *holder == key)
            .map(|(_, g, ..)| *g)
            .collect();
        inner.saves.retain(|_, (_, g, ..)| !lost.contains(g));
        for g in lost {
            if let Some(g) = inner.gathers.remove(&g) {
                answers.push((g.done, Err(stopped.clone())));
            }
        }
        let trends: Vec<u32> = inner
            .trends
            .iter()
            .filter(|(_, (holder, _))| *holder == key)
            .map(|(t, _)| *t)
            .collect();
        for t in trends {
            if let Some((_, done)) = inner.trends.remove(&t) {
                trend_answers.push((done, Err(stopped.clone())));
            }
        }
        match slot.state {
            SlotState::Busy(active) => {
                actions.push(failed(
                    active.id,
                    "worker",
                    format!("{}: the worker stopped: {message}", active.name),
                ));
            }
            SlotState::Starting => {
                // The worker script itself is broken: retrying would fail the same way.
                let text = format!("The analysis worker could not start ({message}).");
                let jobs: Vec<Job> = inner.queue.drain(..).collect();
                actions.extend(
                    jobs.into_iter()
                        .map(|j| failed(j.id, "worker", text.clone())),
                );
                actions.push(Action::Notice(text));
            }
            SlotState::Idle | SlotState::Draining => {}
        }
    }
    emit_all(rc, actions);
    for (done, result) in answers {
        done.emit(result);
    }
    for (done, result) in trend_answers {
        done.emit(result);
    }
    schedule(rc);
}
