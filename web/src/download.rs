//! Saving what the page made (rules, reports, analysis files) as a file,
//! with no server: a `Blob`, an object URL, and a click on a temporary
//! `<a download>`.

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

fn describe(e: wasm_bindgen::JsValue) -> String {
    format!("{e:?}")
}

/// Offers `text` as a download named `file_name`.
pub fn offer(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(describe)?;
    offer_blob(file_name, &blob)
}

/// Offers `bytes` as a download named `file_name`.
pub fn offer_bytes(file_name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(describe)?;
    offer_blob(file_name, &blob)
}

fn offer_blob(file_name: &str, blob: &Blob) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let url = Url::create_object_url_with_blob(blob).map_err(describe)?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(describe)?
        .dyn_into()
        .map_err(|_| "not an anchor".to_string())?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // Revoked a little later: some browsers read the URL after the click returns.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
    Ok(())
}

/// The name an analysis file of `file_name` is offered under: its stem
/// (`k6-vus100.json.gz` → `k6-vus100.verdict`), as `verdict save -o` is
/// usually given.
pub fn analysis_name(file_name: &str) -> String {
    let stem = file_name
        .split(['/', '\\'])
        .next_back()
        .unwrap_or(file_name)
        .split('.')
        .next()
        .unwrap_or("")
        .trim();
    let stem = if stem.is_empty() { "run" } else { stem };
    format!("{stem}{}", verdict_core::saved::EXTENSION)
}

#[cfg(test)]
mod tests {
    use super::analysis_name;

    #[test]
    fn analysis_files_are_named_after_the_file() {
        assert_eq!(analysis_name("k6-vus100.json.gz"), "k6-vus100.verdict");
        assert_eq!(analysis_name("a + b"), "a + b.verdict");
        assert_eq!(analysis_name(".hidden"), "run.verdict");
        assert_eq!(analysis_name("dir/results.jtl"), "results.verdict");
    }
}
