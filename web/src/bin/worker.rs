//! The ingest worker (started by the page through `worker_loader.js`).
fn main() {
    verdict_web::worker::run();
}
