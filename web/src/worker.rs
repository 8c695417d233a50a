//! The worker side: messages in, [`Engine::handle`], messages out. Each
//! message is handled to completion before the next is read, so a `Cancel`
//! is seen right after the chunk being parsed when it was sent.

use std::cell::RefCell;

use verdict_rpc::{Engine, ErrorInfo, Response};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(response: &Response) {
    match crate::wire::encode_response(response) {
        Ok(value) => {
            if let Err(e) = scope().post_message(&value) {
                web_sys::console::error_1(&e);
            }
        }
        Err(e) => web_sys::console::error_1(&JsValue::from_str(&e)),
    }
}

/// Starts answering the page: installs the message handler and sends `Ready`.
pub fn run() {
    // A panic aborts the Wasm instance; tell the page why before it does, so
    // the file shows a reason instead of a silently dead worker.
    std::panic::set_hook(Box::new(|info| {
        post(&Response::Error(ErrorInfo::new(
            "internal",
            format!("internal error in the worker: {info}"),
        )));
    }));
    let engine = RefCell::new(Engine::new());
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let responses = match crate::wire::decode_request(event.data()) {
            Ok(request) => engine.borrow_mut().handle(request),
            Err(message) => vec![Response::Error(ErrorInfo::protocol(message))],
        };
        for response in &responses {
            post(response);
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&Engine::ready());
}
