//! Recent analyses kept in this browser (IndexedDB), so that a reload loses
//! nothing. What is kept is each file's analysis text (summaries, histograms
//! and time blocks, never raw samples), its name and size. One click clears
//! them all.
//!
//! IndexedDB's API is callbacks on request objects; [`done`] turns one
//! request into a future.

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransactionMode};

const DATABASE: &str = "verdict";
const STORE: &str = "analyses";
/// Analyses kept; the oldest go first.
pub const MAX_SAVED: usize = 20;

/// One stored analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub key: f64,
    pub name: String,
    pub size: u64,
    /// A `verdict_core::snapshot` text with time blocks.
    pub analysis: String,
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Resolves with the request's result when it succeeds.
async fn done(request: &IdbRequest) -> Result<JsValue, String> {
    let request = request.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let ok = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &ok.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move || {
            let message = failed
                .error()
                .ok()
                .flatten()
                .map_or("the browser's storage failed".to_string(), |e| e.message());
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&message));
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(|e| describe(&e))
}

async fn open() -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()
        .map_err(|e| describe(&e))?
        .ok_or("this browser keeps no local databases")?;
    let request = factory
        .open_with_u32(DATABASE, 1)
        .map_err(|e| describe(&e))?;
    let upgrade = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Ok(db) = upgrade.result() {
            let db: IdbDatabase = db.unchecked_into();
            if !db.object_store_names().contains(STORE) {
                let params = web_sys::IdbObjectStoreParameters::new();
                params.set_auto_increment(true);
                let _ = db.create_object_store_with_optional_parameters(STORE, &params);
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    Ok(done(&request).await?.unchecked_into())
}

fn store(db: &IdbDatabase, mode: IdbTransactionMode) -> Result<IdbObjectStore, String> {
    db.transaction_with_str_and_mode(STORE, mode)
        .and_then(|t| t.object_store(STORE))
        .map_err(|e| describe(&e))
}

fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Keeps an analysis; returns its key. The oldest beyond [`MAX_SAVED`] go.
pub async fn save(name: &str, size: u64, analysis: &str) -> Result<f64, String> {
    let db = open().await?;
    let record = Object::new();
    for (k, v) in [
        ("name", JsValue::from_str(name)),
        ("size", JsValue::from_f64(size as f64)),
        ("saved", JsValue::from_f64(js_sys::Date::now())),
        ("analysis", JsValue::from_str(analysis)),
    ] {
        Reflect::set(&record, &JsValue::from_str(k), &v).map_err(|e| describe(&e))?;
    }
    let s = store(&db, IdbTransactionMode::Readwrite)?;
    let key = done(&s.add(&record).map_err(|e| describe(&e))?)
        .await?
        .as_f64()
        .unwrap_or(0.0);
    let keys: Array = done(&s.get_all_keys().map_err(|e| describe(&e))?)
        .await?
        .unchecked_into();
    let excess = (keys.length() as usize).saturating_sub(MAX_SAVED);
    for old in keys.iter().take(excess) {
        done(&s.delete(&old).map_err(|e| describe(&e))?).await?;
    }
    Ok(key)
}

/// The kept analyses, oldest first.
pub async fn load() -> Result<Vec<Saved>, String> {
    let db = open().await?;
    let s = store(&db, IdbTransactionMode::Readonly)?;
    let keys: Array = done(&s.get_all_keys().map_err(|e| describe(&e))?)
        .await?
        .unchecked_into();
    let values: Array = done(&s.get_all().map_err(|e| describe(&e))?)
        .await?
        .unchecked_into();
    Ok(keys
        .iter()
        .zip(values.iter())
        .filter_map(|(key, v)| {
            Some(Saved {
                key: key.as_f64()?,
                name: field(&v, "name").as_string()?,
                size: field(&v, "size").as_f64().unwrap_or(0.0) as u64,
                analysis: field(&v, "analysis").as_string()?,
            })
        })
        .collect())
}

/// Forgets one analysis.
pub async fn remove(key: f64) -> Result<(), String> {
    let db = open().await?;
    let s = store(&db, IdbTransactionMode::Readwrite)?;
    done(
        &s.delete(&JsValue::from_f64(key))
            .map_err(|e| describe(&e))?,
    )
    .await?;
    Ok(())
}

/// Forgets every kept analysis.
pub async fn clear() -> Result<(), String> {
    let db = open().await?;
    let s = store(&db, IdbTransactionMode::Readwrite)?;
    done(&s.clear().map_err(|e| describe(&e))?).await?;
    Ok(())
}
