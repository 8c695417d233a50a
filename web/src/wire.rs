//! [`Request`]s and [`Response`]s as JS values for `postMessage`.
//!
//! The shape is serde's externally tagged form (`{"Chunk":{"seq":3,"bytes":…}}`,
//! `"Finish"`), built with serde-wasm-bindgen so numbers cross as JS numbers,
//! exactly (a JSON string would round some floats by an ulp on the way back).
//! Chunk messages are the exception: the page builds them by hand around the
//! `ArrayBuffer` it just read so the buffer can be transferred, not copied;
//! `decode_request` reads them like any other request.

use js_sys::{Object, Reflect, Uint8Array};
use serde::Serialize;
use verdict_rpc::{Request, Response};
use wasm_bindgen::JsValue;

fn serializer() -> serde_wasm_bindgen::Serializer {
    // Status-code maps become plain objects, which read well in devtools.
    serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true)
}

fn encode<T: Serialize>(value: &T) -> Result<JsValue, String> {
    value.serialize(&serializer()).map_err(|e| e.to_string())
}

/// Any request as a JS value (chunks are better sent with [`chunk_message`]).
pub fn encode_request(request: &Request) -> Result<JsValue, String> {
    encode(request)
}

/// `{"Chunk":{"seq":seq,"bytes":bytes}}` around an existing `Uint8Array`, so
/// its buffer can be listed in `postMessage`'s transfer list.
pub fn chunk_message(seq: u32, bytes: &Uint8Array) -> Result<JsValue, String> {
    let fields = Object::new();
    let set = |target: &Object, key: &str, value: &JsValue| {
        Reflect::set(target, &JsValue::from_str(key), value)
            .map(|_| ())
            .map_err(|e| format!("cannot build chunk message: {e:?}"))
    };
    set(&fields, "seq", &JsValue::from(seq))?;
    set(&fields, "bytes", bytes)?;
    let message = Object::new();
    set(&message, "Chunk", &fields)?;
    Ok(message.into())
}

/// Reads a request posted by the page.
pub fn decode_request(value: JsValue) -> Result<Request, String> {
    serde_wasm_bindgen::from_value(value).map_err(|e| format!("unreadable request: {e}"))
}

/// A response as a JS value.
pub fn encode_response(response: &Response) -> Result<JsValue, String> {
    encode(response)
}

/// Reads a response posted by a worker.
pub fn decode_response(value: JsValue) -> Result<Response, String> {
    serde_wasm_bindgen::from_value(value).map_err(|e| format!("unreadable response: {e}"))
}
