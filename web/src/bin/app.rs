//! The page.
fn main() {
    verdict_web::start_app();
}
