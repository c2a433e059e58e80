//! The docked `aws kinesis` console: commands are parsed by the core's
//! clap-based parser and run through the same API handler as
//! `kinesis-lab serve`; the output is the API's JSON.

use super::Lab;
use crate::browser;
use crate::i18n::T;
use crate::shell::use_ctx;
use kinesis_lab_core::api::console::{completions, parse, Parsed};
use kinesis_lab_core::api::handle;
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub command: String,
    pub ok: bool,
    pub output: String,
}

/// The console's log, shared so buttons elsewhere can run commands too.
#[derive(Clone, Copy)]
pub struct ConsoleLog(pub RwSignal<Vec<Entry>>);

const MAX_ENTRIES: usize = 200;

/// Runs one command line against the lab and logs it.
pub fn run_command(lab: Lab, log: ConsoleLog, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    let (ok, output) = match parse(line) {
        Ok(Parsed::Text(t)) => (true, t),
        Ok(Parsed::Call { operation, body }) => {
            let now = lab.now.get_untracked();
            let result = lab
                .engine
                .try_update(|e| handle(e, now, operation, body.to_string().as_bytes()));
            match result {
                Some(Ok(v)) => (true, serde_json::to_string_pretty(&v).unwrap_or_default()),
                Some(Err(e)) => (
                    false,
                    format!(
                        "An error occurred ({}) when calling the {operation} operation: {}",
                        e.kind.name(),
                        e.message
                    ),
                ),
                None => (false, "The lab is not running.".into()),
            }
        }
        Err(e) => (false, e),
    };
    lab.collect_events();
    if ok && line.starts_with("aws kinesis ") {
        lab.record(super::session::Act::Console {
            line: line.to_owned(),
        });
    }
    log.0.update(|l| {
        l.push(Entry {
            command: line.to_owned(),
            ok,
            output,
        });
        let excess = l.len().saturating_sub(MAX_ENTRIES);
        l.drain(..excess);
    });
}

/// The session as a shell script that replays it against AWS or `kinesis-lab serve`.
pub fn script(entries: &[Entry]) -> String {
    let mut s = String::from(
        "#!/bin/sh\n# Exported from Kinesis Lab. Runs against your default AWS account, or against a\n# local `kinesis-lab serve` with: ENDPOINT_URL=http://127.0.0.1:4567 sh this-file.sh\n# --data values are base64 (the AWS CLI v2 default).\nset -e\n",
    );
    for e in entries
        .iter()
        .filter(|e| e.ok && e.command.starts_with("aws kinesis "))
    {
        s.push_str(&e.command.replacen(
            "aws kinesis ",
            "aws ${ENDPOINT_URL:+--endpoint-url \"$ENDPOINT_URL\"} kinesis ",
            1,
        ));
        s.push('\n');
    }
    s
}

#[component]
pub fn Console(lab: Lab, log: ConsoleLog) -> impl IntoView {
    let ctx = use_ctx();
    let input = RwSignal::new(String::new());
    let hint = RwSignal::new(Vec::<String>::new());
    // Position while walking the history with ↑/↓ (None: editing a new line).
    let cursor = RwSignal::new(None::<usize>);
    let output = NodeRef::<leptos::html::Div>::new();

    Effect::new(move |_| {
        log.0.track();
        if let Some(el) = output.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let commands = move || {
        log.0
            .with(|l| l.iter().map(|e| e.command.clone()).collect::<Vec<_>>())
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            let line = input.get_untracked();
            run_command(lab, log, &line);
            input.set(String::new());
            hint.set(Vec::new());
            cursor.set(None);
        }
        "Tab" => {
            ev.prevent_default();
            let line = input.get_untracked();
            let options = completions(&line);
            if let [only] = options.as_slice() {
                let keep = if line.ends_with(' ') {
                    line.as_str()
                } else {
                    line.rsplit_once(' ').map(|(a, _)| a).unwrap_or("")
                };
                let sep = if keep.is_empty() || keep.ends_with(' ') {
                    ""
                } else {
                    " "
                };
                input.set(format!("{keep}{sep}{only} "));
                hint.set(Vec::new());
            } else {
                hint.set(options);
            }
        }
        "ArrowUp" | "ArrowDown" => {
            ev.prevent_default();
            let cmds = commands();
            if cmds.is_empty() {
                return;
            }
            let next = match (ev.key().as_str(), cursor.get_untracked()) {
                ("ArrowUp", None) => Some(cmds.len() - 1),
                ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
                ("ArrowDown", Some(i)) if i + 1 < cmds.len() => Some(i + 1),
                _ => None,
            };
            cursor.set(next);
            input.set(next.map(|i| cmds[i].clone()).unwrap_or_default());
        }
        _ => {}
    };
    let export = move |_| {
        let text = log.0.with_untracked(|l| script(l));
        browser::download_as("kinesis-lab-session.sh", "text/x-shellscript", &text);
    };

    view! {
        <section class="panel console" aria-labelledby="console-title">
            <div class="console-head">
                <h2 id="console-title">{move || ctx.t(T::Console)}</h2>
                <button id="export-script" class="button small" on:click=export>{move || ctx.t(T::ExportScript)}</button>
                <button class="button small" on:click=move |_| log.0.set(Vec::new())>{move || ctx.t(T::ClearConsole)}</button>
            </div>
            <div class="console-output" id="console-output" node_ref=output role="log" aria-live="polite" tabindex="0">
                {move || log.0.get().into_iter().map(|e| crate::widgets::stream_console::console_entry(e.command, e.output, e.ok)).collect_view()}
            </div>
            <label class="sr-only" for="console-input">{move || ctx.t(T::ConsoleInput)}</label>
            <div class="console-prompt">
                <span class="mono" aria-hidden="true">"$"</span>
                <input id="console-input" class="mono" type="text" autocomplete="off" spellcheck="false"
                    placeholder="aws kinesis list-streams"
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                    on:keydown=on_key
                    aria-describedby="console-help" />
            </div>
            <p class="help mono" id="console-hint">{move || hint.get().join("  ")}</p>
            <p class="help" id="console-help">{move || ctx.t(T::ConsoleHelp)}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_keeps_successful_kinesis_commands_only() {
        let e = |c: &str, ok| Entry {
            command: c.into(),
            ok,
            output: String::new(),
        };
        let s = script(&[
            e("aws kinesis list-streams", true),
            e("aws kinesis nope", false),
            e("help", true),
        ]);
        assert!(s.starts_with("#!/bin/sh"));
        assert!(s.contains(
            "aws ${ENDPOINT_URL:+--endpoint-url \"$ENDPOINT_URL\"} kinesis list-streams\n"
        ));
        assert!(!s.contains("nope"));
        assert!(!s.contains("\nhelp"));
    }
}
