//! `boot-screen DEMO_FILE INDEX_HTML`: draws the page's first screen, with
//! the demo's answer, into a built `index.html` (see `verdict_web::boot`).
//! Run by `scripts/dist.sh` after Trunk; native only.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [demo, index] = &args[..] else {
        eprintln!("usage: boot-screen DEMO_FILE INDEX_HTML");
        return std::process::ExitCode::from(64);
    };
    match native::write(demo, index) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("boot-screen: {why}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use verdict_rpc::{Engine, Request, Response};
    use verdict_web::boot::{BootScreen, BootScreenProps, DemoAnswer, DEMO_ANSWER_ELEMENT};
    use verdict_web::rules;
    use yew::LocalServerRenderer;

    const BOOT_OPEN: &str = r#"<div class="page" id="boot">"#;

    pub fn write(demo_path: &str, index_path: &str) -> Result<(), String> {
        let demo = demo_answer(demo_path)?;
        let html = render(demo.clone())?;
        let index =
            std::fs::read_to_string(index_path).map_err(|e| format!("{index_path}: {e}"))?;
        let start = index
            .find(BOOT_OPEN)
            .ok_or_else(|| format!("{index_path}: no {BOOT_OPEN} to draw into"))?;
        let end = index
            .rfind("</body>")
            .ok_or_else(|| format!("{index_path}: no </body>"))?;
        // The page reads this back; a summary that does not survive JSON
        // would leave it waiting for the demo behind a screen it cannot keep.
        let json = serde_json::to_string(&demo).map_err(|e| e.to_string())?;
        serde_json::from_str::<DemoAnswer>(&json)
            .map_err(|e| format!("the demo's answer does not read back from JSON: {e}"))?;
        // "</" cannot end the script element early once escaped ("\/" is JSON).
        let json = json.replace("</", "<\\/");
        // No preload of the page's Wasm and script: the first screen is already
        // the answer, and boot.js fetches them once it has been painted.
        let head = without_preloads(&index[..start]);
        let page = format!(
            "{}{BOOT_OPEN}{html}</div>\n  <script type=\"application/json\" id=\"{DEMO_ANSWER_ELEMENT}\">{json}</script>\n{}",
            head,
            &index[end..]
        );
        std::fs::write(index_path, page).map_err(|e| format!("{index_path}: {e}"))
    }

    /// `html` without its `<link rel="preload">` and `rel="modulepreload"` tags.
    fn without_preloads(html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(at) = ["<link rel=\"preload\"", "<link rel=\"modulepreload\""]
            .iter()
            .filter_map(|tag| rest.find(tag))
            .min()
        {
            out.push_str(&rest[..at]);
            rest = match rest[at..].find('>') {
                Some(close) => &rest[at + close + 1..],
                None => "",
            };
        }
        out.push_str(rest);
        out
    }

    /// The demo read and checked as a worker would: the same engine, the
    /// rules of a first visit.
    fn demo_answer(path: &str) -> Result<DemoAnswer, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let file_name = verdict_web::app::DEMO_NAME.to_string();
        let rules = rules::preset_text(rules::FIRST_VISIT_PRESET)
            .ok_or("the first visit's preset is missing")?;
        let rule_count = rules::parse(&rules).rule_count();
        let mut engine = Engine::new();
        let mut responses = engine.handle(Request::Open {
            file_name: file_name.clone(),
            size: bytes.len() as u64,
            options: Default::default(),
        });
        for (seq, chunk) in bytes.chunks(1 << 20).enumerate() {
            responses.extend(engine.handle(Request::Chunk {
                seq: seq as u32,
                bytes: chunk.to_vec(),
            }));
        }
        responses.extend(engine.handle(Request::Finish));
        let mut summary = None;
        let mut held = None;
        for r in responses {
            match r {
                Response::Done(s) => summary = Some(*s),
                Response::Held { run } => held = Some(run),
                Response::Error(e) => return Err(format!("{path}: {}", e.message)),
                _ => {}
            }
        }
        let (summary, run) = summary
            .zip(held)
            .ok_or(format!("{path}: not read to the end"))?;
        let verdicts = match engine
            .handle(Request::Evaluate {
                run,
                ticket: 0,
                sla: rules.clone(),
            })
            .pop()
        {
            Some(Response::Verdicts {
                verdicts: Ok(v), ..
            }) => v,
            other => return Err(format!("{path}: no verdicts ({other:?})")),
        };
        Ok(DemoAnswer {
            file_name,
            rules,
            rule_count,
            summary,
            verdicts,
        })
    }

    fn render(demo: DemoAnswer) -> Result<String, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| e.to_string())?;
        let renderer =
            LocalServerRenderer::<BootScreen>::with_props(BootScreenProps { demo: Some(demo) })
                .hydratable(false);
        Ok(tokio::task::LocalSet::new().block_on(&runtime, renderer.render()))
    }
}
