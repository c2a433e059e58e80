//! Lesson widget: an `aws kinesis` console on the lesson's own simulated
//! account, with the lab's clock (let minutes or days pass), a producer that
//! sends a burst of records, the streams' state and each stream's bill. Every
//! control is an engine action, so it is recorded, replayable, checked
//! against the goals and carried by share links.

use super::bill::{bill_table, prices_note};
use super::LabHandle;
use crate::i18n::{self, Lang, T};
use crate::shell::use_ctx;
use kinesis_lab_core::api::console::completions;
use kinesis_lab_core::api::scenario::DEFAULT_START_MS;
use kinesis_lab_core::error::{parse_count, Field, ValidationError};
use kinesis_lab_core::lesson::goal::Mode;
use kinesis_lab_core::lesson::lab::{Action, MAX_PRODUCE_SECONDS, MAX_WAIT_SECONDS};
use kinesis_lab_core::producer::{MAX_RATE, MAX_RECORD_BYTES};
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

/// "Day 1, 00:00:05" for the lab's simulated time.
pub fn lab_time_text(lang: Lang, ms: u64) -> String {
    let t = ms.saturating_sub(DEFAULT_START_MS);
    let word = match lang {
        Lang::En => "Day",
        Lang::Vi => "Ngày",
    };
    format!(
        "{word} {}, {:02}:{:02}:{:02}",
        t / 86_400_000 + 1,
        t / 3_600_000 % 24,
        t / 60_000 % 60,
        t / 1000 % 60
    )
}

/// The iterator a response hands out, if any (for the "read with it" button).
fn iterator_in(output: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(output).ok()?;
    ["ShardIterator", "NextShardIterator"]
        .iter()
        .find_map(|k| v.get(k).and_then(|x| x.as_str()).map(str::to_owned))
}

const WAITS: [(u32, &str, &str); 5] = [
    (60, "+1 min", "+1 phút"),
    (300, "+5 min", "+5 phút"),
    (900, "+15 min", "+15 phút"),
    (3_600, "+1 h", "+1 giờ"),
    (86_400, "+24 h", "+24 giờ"),
];

#[component]
pub fn StreamConsole(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
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

    // Waiting.
    let wait_text = RwSignal::new(String::from("300"));
    let wait_error = RwSignal::new(None::<ValidationError>);
    let wait = move |seconds: Result<u32, ValidationError>| {
        let r = seconds.and_then(|s| {
            handle.apply(Action::Wait { seconds: s }).map_err(|e| {
                super::field_error(e).unwrap_or(ValidationError::new(
                    Field::Duration,
                    kinesis_lab_core::error::Problem::Empty,
                ))
            })
        });
        wait_error.set(r.err());
    };
    let wait_buttons = WAITS
        .iter()
        .map(|&(secs, en, vi)| {
            view! {
                <button class="button small wait" data-seconds=secs on:click=move |_| wait(Ok(secs))>
                    {move || if lang() == Lang::En { en } else { vi }}
                </button>
            }
        })
        .collect_view();

    // The producer.
    let p_stream = RwSignal::new(String::new());
    let p_rate = RwSignal::new(String::from("4"));
    let p_bytes = RwSignal::new(String::from("1000000"));
    let p_secs = RwSignal::new(String::from("3"));
    let p_error = RwSignal::new(None::<String>);
    let produce = move || {
        let stream = p_stream.get_untracked().trim().to_owned();
        let stream = if stream.is_empty() {
            lab.with_untracked(|l| l.engine.streams().next().map(|s| s.name.clone()))
                .unwrap_or_default()
        } else {
            stream
        };
        let parsed = (|| {
            Ok::<_, ValidationError>(Action::Produce {
                stream: stream.clone(),
                records_per_second: parse_count(
                    Field::RecordRate,
                    &p_rate.get_untracked(),
                    MAX_RATE,
                )?,
                record_bytes: parse_count(
                    Field::RecordBytes,
                    &p_bytes.get_untracked(),
                    MAX_RECORD_BYTES,
                )?,
                seconds: parse_count(
                    Field::Duration,
                    &p_secs.get_untracked(),
                    MAX_PRODUCE_SECONDS,
                )?,
            })
        })();
        let lang = ctx.lang.get_untracked();
        p_error.set(match parsed {
            Err(e) => Some(i18n::validation_error(lang, &e)),
            Ok(a) => match handle.apply(a) {
                Ok(()) => None,
                Err(e) => Some(match super::field_error(e.clone()) {
                    Some(v) => i18n::validation_error(lang, &v),
                    None => e.to_string(),
                }),
            },
        });
    };

    view! {
        <div class="widget stream-console">
            <div class="console-output" id="w-console-output" role="log" aria-live="polite" tabindex="0">
                {move || lab.with(|l| l.console.iter().map(|c| {
                    let it = iterator_in(&c.output);
                    let ok = c.ok();
                    view! {
                        {console_entry(c.command.clone(), c.output.clone(), ok)}
                        {(!ok).then(|| view! { <p class="help console-refused">{ctx.t(T::ApiRefused)}</p> })}
                        {it.map(|it| view! {
                            <button class="button small use-iterator" on:click=move |_| input.set(format!("aws kinesis get-records --shard-iterator {it}"))>
                                {ctx.t(T::ReadWithIterator)}
                            </button>
                        })}
                    }
                }).collect_view())}
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

            <div class="lab-clock" role="group" aria-labelledby="w-clock-title">
                <p>
                    <strong id="w-clock-title">{move || ctx.t(T::SimTime)} ": "</strong>
                    <span id="w-clock" class="mono">{move || lab.with(|l| lab_time_text(lang(), l.now_ms))}</span>
                    " · " <span id="w-epoch" class="mono">{move || lab.with(|l| (l.now_ms / 1000).to_string())}</span>
                    " " <span class="help">{move || ctx.t(T::EpochSeconds)}</span>
                </p>
                <p class="help">{move || ctx.t(T::LabClockHelp)}</p>
                <div class="buttons">
                    <span>{move || ctx.t(T::LetTimePass)} ": "</span>
                    {wait_buttons}
                    <label for="w-wait-secs">{move || ctx.t(T::WaitSeconds)}</label>
                    <input id="w-wait-secs" class="narrow" type="text" inputmode="numeric"
                        prop:value=move || wait_text.get()
                        on:input=move |ev| wait_text.set(event_target_value(&ev)) />
                    <button id="w-wait" class="button small" on:click=move |_| wait(parse_count(Field::Duration, &wait_text.get_untracked(), MAX_WAIT_SECONDS))>
                        {move || ctx.t(T::Wait)}
                    </button>
                </div>
                <p class="error" role="alert">{move || wait_error.get().map(|e| i18n::validation_error(lang(), &e))}</p>
            </div>

            <details class="lab-producer">
                <summary>{move || ctx.t(T::ProduceTitle)}</summary>
                <p class="help">{move || ctx.t(T::ProduceHelp)}</p>
                <div class="form-row">
                    <label>{move || ctx.t(T::ProduceStream)}
                        <input id="w-prod-stream" class="mono" type="text" prop:value=move || p_stream.get() on:input=move |ev| p_stream.set(event_target_value(&ev)) /></label>
                    <label>{move || ctx.t(T::ProduceRecordsPerSecond)}
                        <input id="w-prod-rate" class="narrow" type="text" inputmode="numeric" prop:value=move || p_rate.get() on:input=move |ev| p_rate.set(event_target_value(&ev)) /></label>
                    <label>{move || ctx.t(T::RecordBytes)}
                        <input id="w-prod-bytes" class="narrow" type="text" inputmode="numeric" prop:value=move || p_bytes.get() on:input=move |ev| p_bytes.set(event_target_value(&ev)) /></label>
                    <label>{move || ctx.t(T::DurationSeconds)}
                        <input id="w-prod-secs" class="narrow" type="text" inputmode="numeric" prop:value=move || p_secs.get() on:input=move |ev| p_secs.set(event_target_value(&ev)) /></label>
                    <button id="w-produce" class="button small" on:click=move |_| produce()>{move || ctx.t(T::ProduceSend)}</button>
                </div>
                <p class="error" role="alert" id="w-prod-error">{move || p_error.get()}</p>
                <ul class="produced" id="w-produced">
                    {move || lab.with(|l| l.produced.iter().rev().take(5).map(|r| view! { <li>{i18n::produced(lang(), r)}</li> }).collect_view())}
                </ul>
            </details>

            <div class="table-wrap short" tabindex="0">
                <table id="w-streams">
                    <thead><tr>
                        <th scope="col">{move || ctx.t(T::StreamCol)}</th>
                        <th scope="col">"StreamMode"</th>
                        <th scope="col">{move || ctx.t(T::OpenShards)}</th>
                        <th scope="col">"StreamStatus"</th>
                        <th scope="col">{move || ctx.t(T::Retention)}</th>
                        <th scope="col">{move || ctx.t(T::WriteCapacityCol)}</th>
                    </tr></thead>
                    <tbody>
                        {move || lab.with(|l| {
                            let now = l.engine.now();
                            let lang = lang();
                            l.engine.streams().map(|s| view! {
                                <tr data-stream=s.name.clone()>
                                    <th scope="row" class="mono">{s.name.clone()}</th>
                                    <td class="w-mode">{Mode::of(s.mode).name()}</td>
                                    <td class="w-open-shards">{s.open_shards().count()}</td>
                                    <td>{format!("{:?}", s.status(now)).to_uppercase()}</td>
                                    <td class="w-retention">{format!("{} h", i18n::int(lang, s.retention_hours as u64))}</td>
                                    <td class="w-capacity">{s.on_demand_capacity().map(|(b, r)| format!("{} MiB/s · {} rec/s", i18n::decimal(lang, b as f64 / 1_048_576.0, 2), i18n::int(lang, r))).unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).collect_view()
                        })}
                    </tbody>
                </table>
            </div>
            <div class="bills" id="w-bills">
                {move || lab.with(|l| {
                    let lang = lang();
                    l.engine.streams().map(|s| bill_table(lang, &s.name, &s.meter)).collect_view()
                })}
                <p class="help">{move || prices_note(lang())}</p>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_time_reads_in_both_languages() {
        let t = DEFAULT_START_MS + 86_400_000 + 3_723_000;
        assert_eq!(lab_time_text(Lang::En, t), "Day 2, 01:02:03");
        assert_eq!(lab_time_text(Lang::Vi, t), "Ngày 2, 01:02:03");
    }

    #[test]
    fn the_iterator_of_a_response_is_found() {
        assert_eq!(
            iterator_in(r#"{"ShardIterator":"AAA"}"#).as_deref(),
            Some("AAA")
        );
        assert_eq!(
            iterator_in(r#"{"Records":[],"NextShardIterator":"BBB"}"#).as_deref(),
            Some("BBB")
        );
        assert_eq!(iterator_in("not json"), None);
        assert_eq!(iterator_in(r#"{"Records":[]}"#), None);
    }
}
