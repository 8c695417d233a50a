//! "Capacity from numbers…": a text area for levels typed or pasted from a
//! report, read by the same table reader as `verdict capacity --levels`.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::typed_prose::sentences_to_table;

#[derive(Properties, PartialEq)]
pub struct TypedLevelsProps {
    pub text: String,
    /// `None` while empty; the number of levels read, or why the table
    /// cannot be read (line and column named).
    pub result: Result<usize, String>,
    pub on_input: Callback<String>,
    /// Back to the open runs' levels.
    pub on_close: Callback<()>,
}

const EXAMPLE: &str =
    "vus,throughput,p95_ms\n10,18.2,110.6\n50,89.9,125.4\n100,175.6,155.1\n200,288.6,428.2";

#[component]
pub fn TypedLevels(props: &TypedLevelsProps) -> Html {
    let oninput = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            on_input.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let status = match &props.result {
        Ok(0) => html! {},
        Ok(n) => html! {
            <p class="typed-status" data-typed-levels={n.to_string()}>
                {format!("{n} level{} read. These are tool-reported numbers, not raw samples: no interval can be computed from them, so levels carry only the bounds you type (pNN_low_ms, pNN_high_ms).", if *n == 1 { "" } else { "s" })}
            </p>
        },
        Err(why) => html! { <p class="typed-error" role="alert">{why.clone()}</p> },
    };
    // Numbers written as sentences: offer them as a table to check.
    let as_table = props
        .result
        .is_err()
        .then(|| sentences_to_table(&props.text))
        .flatten()
        .map(|table| {
            let on_input = props.on_input.clone();
            Callback::from(move |_: MouseEvent| on_input.emit(table.clone()))
        });
    html! {
        <div class="typed-levels">
            <label for="typed-levels-text">
                {"Levels typed or pasted from a report: a header naming the columns, then one row per load level. "}
                {"Columns: "}<code>{"vus"}</code>{" (or concurrency, users, threads), "}<code>{"throughput"}</code>{" (req/s), and any of "}
                <code>{"p50_ms … p99_ms"}</code>{", "}<code>{"mean_ms"}</code>{", "}<code>{"n"}</code>{", "}<code>{"error_rate"}</code>
                {". Comma, semicolon, tab or spaces; cells may carry units (69 ms, 1.2 s). "}
                {"Sentences such as \u{201c}p95 69 ms at 200 VUs (1083 req/s), 362 ms at 500 VUs (1090 req/s)\u{201d} can be turned into that table."}
            </label>
            <textarea id="typed-levels-text" name="typed-levels" rows="7" spellcheck="false"
                placeholder={EXAMPLE} value={props.text.clone()} {oninput} />
            {status}
            if let Some(onclick) = as_table {
                <p class="typed-convert">
                    <button type="button" {onclick}>{"Turn these sentences into a table"}</button>
                    <span class="muted">{" then check it: every row needs its load and throughput."}</span>
                </p>
            }
            <p class="typed-actions">
                <span class="muted">{"Same as "}<code>{"verdict capacity --levels FILE --target …"}</code></span>
                <button type="button" class="link" onclick={close}>{"Use the open runs instead"}</button>
            </p>
        </div>
    }
}
