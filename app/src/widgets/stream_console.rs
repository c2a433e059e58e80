//! Lesson widget: an `aws kinesis` console on the lesson's own simulated
//! account. Each line is an engine action, so it is recorded, replayable,
//! checked against the goals and carried by share links.

use super::LabHandle;
use crate::i18n::T;
use crate::shell::use_ctx;
use kinesis_lab_core::api::console::completions;
use kinesis_lab_core::lesson::lab::Action;
use leptos::prelude::*;

/// One command and what it printed, as both consoles show it.
pub fn console_entry(command: String, output: String, ok: bool) -> impl IntoView {
    view! {
        <div class="console-entry" class:error=!ok>
            <div class="console-cmd mono">"$ " {command}</div>
            <pre class="console-out mono">{output}</pre>
        </div>
    }
}

#[component]
pub fn StreamConsole(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let lab = handle.lab;
    let input = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let hint = RwSignal::new(Vec::<String>::new());
    let run = move || {
        let line = input.get_untracked().trim().to_owned();
        if line.is_empty() {
            return;
        }
        match handle.apply(Action::Console { line: line.clone() }) {
            Ok(()) => {
                input.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(format!("$ {line}\n{e}"))),
        }
        hint.set(Vec::new());
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            run();
        }
        "Tab" => {
            let options = completions(&input.get_untracked());
            if options.len() == 1 {
                ev.prevent_default();
                let line = input.get_untracked();
                let keep = line.rsplit_once(' ').map(|(a, _)| a).unwrap_or("");
                input.set(format!("{keep} {} ", options[0]).trim_start().to_owned());
            } else if !options.is_empty() {
                ev.prevent_default();
                hint.set(options);
            }
        }
        _ => {}
    };
    view! {
        <div class="widget stream-console">
            <div class="console-output" id="w-console-output" role="log" aria-live="polite" tabindex="0">
                {move || lab.with(|l| l.console.iter().map(|c| console_entry(c.command.clone(), c.output.clone(), true)).collect_view())}
                {move || error.get().map(|e| view! { <div class="console-entry error"><pre class="console-out mono" id="w-console-error">{e}</pre></div> })}
            </div>
            <label class="sr-only" for="w-console-input">{move || ctx.t(T::ConsoleInput)}</label>
            <div class="console-prompt">
                <span class="mono" aria-hidden="true">"$"</span>
                <input id="w-console-input" class="mono" type="text" autocomplete="off" spellcheck="false"
                    placeholder="aws kinesis create-stream --stream-name ingest --shard-count 1"
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                    on:keydown=on_key />
                <button id="w-console-run" class="button primary" on:click=move |_| run()>{move || ctx.t(T::Run)}</button>
            </div>
            <p class="help mono">{move || hint.get().join("  ")}</p>
            <p class="help">{move || ctx.t(T::ConsoleHelp)}</p>
            <div class="table-wrap short" tabindex="0">
                <table id="w-streams">
                    <thead><tr>
                        <th scope="col">{move || ctx.t(T::StreamCol)}</th>
                        <th scope="col">"StreamMode"</th>
                        <th scope="col">{move || ctx.t(T::OpenShards)}</th>
                        <th scope="col">"StreamStatus"</th>
                    </tr></thead>
                    <tbody>
                        {move || lab.with(|l| {
                            let now = l.engine.now();
                            l.engine.streams().map(|s| view! {
                                <tr data-stream=s.name.clone()>
                                    <th scope="row" class="mono">{s.name.clone()}</th>
                                    <td>{format!("{:?}", s.mode)}</td>
                                    <td class="w-open-shards">{s.open_shards().count()}</td>
                                    <td>{format!("{:?}", s.status(now)).to_uppercase()}</td>
                                </tr>
                            }).collect_view()
                        })}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
