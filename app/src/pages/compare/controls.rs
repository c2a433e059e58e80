//! The workload form and the toggles, shared by the compare page and the
//! compare lesson widget. Both only produce `CompareAction`s: the page hands
//! them to its `CompareSim`, the widget to the lesson's `LabHandle`, so
//! whatever a student does can be replayed from a link or a lesson.

use super::text::{self as tx, Tx};
use crate::shell::use_ctx;
use kinesis_lab_core::compare::kafka::Assignor;
use kinesis_lab_core::compare::sim::{CompareAction, CompareError, Workload};
use leptos::prelude::*;

/// The workload's fields as typed, and the errors shown beside them.
#[derive(Clone, Copy)]
pub struct FormState {
    pub keys: RwSignal<String>,
    pub rate: RwSignal<String>,
    pub bytes: RwSignal<String>,
    pub messages: RwSignal<String>,
    pub consumers: RwSignal<String>,
    pub partitions: RwSignal<String>,
    pub assignor: RwSignal<Assignor>,
    pub fifo: RwSignal<bool>,
    pub seed: RwSignal<String>,
    /// (field, message) — field is the workload's field name.
    pub errors: RwSignal<Vec<(&'static str, String)>>,
    /// An error the engine gave for a field this form does not have.
    pub other_error: RwSignal<Option<String>>,
}

/// Workload field names, as serde spells them (the engine's errors name them).
pub const FIELDS: [&str; 9] = [
    "keys",
    "records_per_second",
    "record_bytes",
    "messages",
    "consumers",
    "partitions",
    "assignor",
    "fifo",
    "seed",
];

/// The form field an engine error belongs to. The engine may name a field by
/// the workload's name or by the real service's spelling.
pub fn field_slot(field: &str) -> Option<&'static str> {
    let f = field.trim();
    if let Some(known) = FIELDS.iter().find(|k| **k == f) {
        return Some(known);
    }
    let lower = f.to_ascii_lowercase();
    let slot = match lower.as_str() {
        "key" | "partition_key" | "partitionkey" | "messagegroupid" => "keys",
        "rate" | "records_per_sec" | "rps" => "records_per_second",
        "bytes" | "record_size" | "size" | "max.message.bytes" | "maximummessagesize" => {
            "record_bytes"
        }
        "count" | "total" => "messages",
        "consumer" | "workers" | "members" => "consumers",
        "shards" | "shard_count" | "shardcount" | "num.partitions" | "partition" => "partitions",
        "partition.assignment.strategy" | "strategy" => "assignor",
        "fifoqueue" | "queue_type" => "fifo",
        _ => return None,
    };
    Some(slot)
}

impl FormState {
    pub fn new(w: &Workload) -> FormState {
        let f = FormState {
            keys: RwSignal::new(String::new()),
            rate: RwSignal::new(String::new()),
            bytes: RwSignal::new(String::new()),
            messages: RwSignal::new(String::new()),
            consumers: RwSignal::new(String::new()),
            partitions: RwSignal::new(String::new()),
            assignor: RwSignal::new(w.assignor),
            fifo: RwSignal::new(w.fifo),
            seed: RwSignal::new(String::new()),
            errors: RwSignal::new(Vec::new()),
            other_error: RwSignal::new(None),
        };
        f.set(w);
        f
    }

    /// Shows this workload in the fields.
    pub fn set(&self, w: &Workload) {
        self.keys.set(w.keys.to_string());
        self.rate.set(w.records_per_second.to_string());
        self.bytes.set(w.record_bytes.to_string());
        self.messages.set(w.messages.to_string());
        self.consumers.set(w.consumers.to_string());
        self.partitions.set(w.partitions.to_string());
        self.assignor.set(w.assignor);
        self.fifo.set(w.fifo);
        self.seed.set(w.seed.to_string());
        self.clear_errors();
    }

    pub fn clear_errors(&self) {
        self.errors.set(Vec::new());
        self.other_error.set(None);
    }

    /// The workload as typed; a field that is not a whole number is an error
    /// beside it. Ranges are the engine's to check.
    pub fn parse(&self, lang: crate::i18n::Lang) -> Option<Workload> {
        let mut errors = Vec::new();
        let mut num32 = |field: &'static str, sig: RwSignal<String>| -> u32 {
            sig.with_untracked(|s| s.trim().parse::<u32>())
                .unwrap_or_else(|_| {
                    errors.push((field, tx::NOT_A_NUMBER.get(lang).to_owned()));
                    0
                })
        };
        let keys = num32("keys", self.keys);
        let records_per_second = num32("records_per_second", self.rate);
        let record_bytes = num32("record_bytes", self.bytes);
        let messages = num32("messages", self.messages);
        let consumers = num32("consumers", self.consumers);
        let partitions = num32("partitions", self.partitions);
        let seed = self
            .seed
            .with_untracked(|s| s.trim().parse::<u64>())
            .unwrap_or_else(|_| {
                errors.push(("seed", tx::NOT_A_NUMBER.get(lang).to_owned()));
                0
            });
        self.other_error.set(None);
        if !errors.is_empty() {
            self.errors.set(errors);
            return None;
        }
        self.errors.set(Vec::new());
        Some(Workload {
            keys,
            records_per_second,
            record_bytes,
            messages,
            consumers,
            partitions,
            assignor: self.assignor.get_untracked(),
            fifo: self.fifo.get_untracked(),
            seed,
        })
    }

    /// Shows an engine error beside the field it names.
    pub fn show_error(&self, lang: crate::i18n::Lang, e: &CompareError) {
        let text = format!("{} {}", tx::REFUSED.get(lang), e.message);
        match field_slot(&e.field) {
            Some(slot) => {
                self.errors.set(vec![(slot, text)]);
                self.other_error.set(None);
            }
            None => {
                self.errors.set(Vec::new());
                self.other_error
                    .set(Some(format!("{} ({})", text, e.field)));
            }
        }
    }
}

fn assignor_value(a: Assignor) -> &'static str {
    match a {
        Assignor::Range => "range",
        Assignor::RoundRobin => "roundrobin",
        Assignor::CooperativeSticky => "cooperative-sticky",
    }
}

fn assignor_from(s: &str) -> Option<Assignor> {
    [
        Assignor::Range,
        Assignor::RoundRobin,
        Assignor::CooperativeSticky,
    ]
    .into_iter()
    .find(|a| assignor_value(*a) == s)
}

/// The workload form; `start` gets the parsed workload.
#[component]
pub fn WorkloadForm(
    prefix: &'static str,
    form: FormState,
    start: Callback<Workload>,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let submit = move || {
        if let Some(w) = form.parse(ctx.lang.get_untracked()) {
            start.run(w);
        }
    };
    let error_of = move |field: &'static str| {
        move || {
            form.errors
                .with(|es| es.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone()))
        }
    };
    let number = move |field: &'static str, label: Tx, help: Option<Tx>, sig: RwSignal<String>| {
        let id = format!("{prefix}-{field}");
        let err_id = format!("{id}-error");
        let help_id = format!("{id}-help");
        let err = error_of(field);
        let invalid = error_of(field);
        let described = if help.is_some() {
            format!("{err_id} {help_id}")
        } else {
            err_id.clone()
        };
        view! {
            <label class="field cmp-field" data-field=field>
                <span>{move || label.get(lang())}</span>
                <input id=id class="num" type="text" inputmode="numeric" autocomplete="off"
                    aria-invalid=move || invalid().is_some().to_string()
                    aria-describedby=described
                    prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { submit(); } />
                {help.map(|h| view! { <small class="help" id=help_id>{move || h.get(lang())}</small> })}
                <span class="error" id=err_id role="alert">{err}</span>
            </label>
        }
    };
    let assignor_id = format!("{prefix}-assignor");
    let fifo_id = format!("{prefix}-fifo");
    let start_id = format!("{prefix}-start");
    let other_id = format!("{prefix}-form-error");
    view! {
        <fieldset class="cmp-form">
            <legend>{move || tx::WORKLOAD.get(lang())}</legend>
            <div class="cmp-form-grid">
                {number("keys", tx::KEYS, Some(tx::KEYS_HELP), form.keys)}
                {number("records_per_second", tx::RATE, None, form.rate)}
                {number("record_bytes", tx::BYTES, None, form.bytes)}
                {number("messages", tx::MESSAGES, None, form.messages)}
                {number("consumers", tx::CONSUMERS, Some(tx::CONSUMERS_HELP), form.consumers)}
                {number("partitions", tx::PARTITIONS, None, form.partitions)}
                <label class="field cmp-field" data-field="assignor">
                    <span>{move || tx::ASSIGNOR.get(lang())}</span>
                    <select id=assignor_id class="mono" on:change=move |ev| if let Some(a) = assignor_from(&event_target_value(&ev)) { form.assignor.set(a) }>
                        {[(Assignor::Range, "range"), (Assignor::RoundRobin, "roundrobin"), (Assignor::CooperativeSticky, "cooperative-sticky")]
                            .map(|(a, label)| view! { <option value=assignor_value(a) selected=move || form.assignor.get() == a>{label}</option> })
                            .into_iter().collect_view()}
                    </select>
                    <span class="error" role="alert">{error_of("assignor")}</span>
                </label>
                <label class="field cmp-field" data-field="fifo">
                    <span>{move || tx::QUEUE_TYPE.get(lang())}</span>
                    <select id=fifo_id on:change=move |ev| form.fifo.set(event_target_value(&ev) == "fifo")>
                        <option value="standard" selected=move || !form.fifo.get()>{move || tx::STANDARD.get(lang())}</option>
                        <option value="fifo" selected=move || form.fifo.get()>{move || tx::FIFO.get(lang())}</option>
                    </select>
                    <span class="error" role="alert">{error_of("fifo")}</span>
                </label>
                {number("seed", tx::SEED, None, form.seed)}
            </div>
            <div class="cmp-form-actions">
                <button type="button" id=start_id class="button primary" on:click=move |_| submit()>{move || tx::START.get(lang())}</button>
                <span class="error" id=other_id role="alert">{move || form.other_error.get()}</span>
            </div>
        </fieldset>
    }
}

/// The toggles: each a button (keyboard reachable), with its one-line
/// explanation. `act` gets the engine action; `error` is the last refusal.
#[component]
pub fn Toggles(
    prefix: &'static str,
    act: Callback<CompareAction>,
    #[prop(into)] consumers: Signal<u32>,
    #[prop(into)] enabled: Signal<bool>,
    emphasis: RwSignal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let replay_secs = RwSignal::new("60".to_owned());
    let same_count = RwSignal::new("1000".to_owned());
    let kill_which = RwSignal::new(1u32);
    let crash_after = RwSignal::new("25".to_owned());
    let local_error = RwSignal::new(None::<String>);
    let number = move |sig: RwSignal<String>| {
        let lang = ctx.lang.get_untracked();
        match sig.with_untracked(|s| s.trim().parse::<u32>()) {
            Ok(n) => {
                local_error.set(None);
                Some(n)
            }
            Err(_) => {
                local_error.set(Some(tx::NOT_A_NUMBER.get(lang).to_owned()));
                None
            }
        }
    };
    let id = move |s: &str| format!("{prefix}-{s}");
    let disabled = move || !enabled.get();
    view! {
        <section class="cmp-toggles" aria-labelledby=id("toggles-title")>
            <h3 id=id("toggles-title")>{move || tx::TOGGLES.get(lang())}</h3>
            <ul class="plain cmp-toggle-list">
                <li class="cmp-toggle" data-toggle="emphasis">
                    <button type="button" id=id("emphasis") class="button" aria-pressed=move || emphasis.get().to_string()
                        aria-describedby=id("emphasis-help") on:click=move |_| emphasis.update(|e| *e = !*e)>
                        {move || tx::EMPHASIS.get(lang())}
                    </button>
                    <p class="help" id=id("emphasis-help")>{move || tx::EMPHASIS_HELP.get(lang())}</p>
                </li>
                <li class="cmp-toggle" data-toggle="second_group">
                    <button type="button" id=id("second-group") class="button" disabled=disabled
                        aria-describedby=id("second-group-help") on:click=move |_| act.run(CompareAction::SecondGroup)>
                        {move || tx::SECOND_GROUP.get(lang())}
                    </button>
                    <p class="help" id=id("second-group-help")>{move || tx::SECOND_GROUP_HELP.get(lang())}</p>
                </li>
                <li class="cmp-toggle" data-toggle="replay">
                    <span class="cmp-inline">
                        <button type="button" id=id("replay") class="button" disabled=disabled aria-describedby=id("replay-help")
                            on:click=move |_| if let Some(n) = number(replay_secs) { act.run(CompareAction::Replay { seconds_ago: n }) }>
                            {move || tx::REPLAY.get(lang())}
                        </button>
                        <input id=id("replay-seconds") class="num narrow" type="text" inputmode="numeric"
                            aria-label=move || format!("{} ({})", tx::REPLAY.get(lang()), tx::REPLAY_SECONDS.get(lang()))
                            prop:value=move || replay_secs.get() on:input=move |ev| replay_secs.set(event_target_value(&ev)) />
                        <span>{move || tx::REPLAY_SECONDS.get(lang())}</span>
                    </span>
                    <p class="help" id=id("replay-help")>{move || tx::REPLAY_HELP.get(lang())}</p>
                </li>
                <li class="cmp-toggle" data-toggle="kill_consumer">
                    <span class="cmp-inline">
                        <button type="button" id=id("kill") class="button danger" disabled=disabled aria-describedby=id("kill-help")
                            on:click=move |_| act.run(CompareAction::KillConsumer { consumer: kill_which.get_untracked() })>
                            {move || tx::KILL.get(lang())}
                        </button>
                        <select id=id("kill-which") class="narrow" aria-label=move || tx::KILL.get(lang())
                            on:change=move |ev| if let Ok(n) = event_target_value(&ev).parse() { kill_which.set(n) }>
                            {move || (1..=consumers.get().max(1)).map(|n| view! {
                                <option value=n selected=kill_which.get_untracked() == n>{format!("#{n}")}</option>
                            }).collect_view()}
                        </select>
                    </span>
                    <p class="help" id=id("kill-help")>{move || tx::KILL_HELP.get(lang())}</p>
                </li>
                <li class="cmp-toggle" data-toggle="add_capacity">
                    <button type="button" id=id("capacity") class="button" disabled=disabled
                        aria-describedby=id("capacity-help") on:click=move |_| act.run(CompareAction::AddCapacity)>
                        {move || tx::CAPACITY.get(lang())}
                    </button>
                    <p class="help" id=id("capacity-help")>{move || tx::CAPACITY_HELP.get(lang())}</p>
                </li>
                <li class="cmp-toggle" data-toggle="same_key">
                    <span class="cmp-inline">
                        <button type="button" id=id("same-key") class="button" disabled=disabled aria-describedby=id("same-key-help")
                            on:click=move |_| if let Some(n) = number(same_count) { act.run(CompareAction::SameKey { count: n }) }>
                            {move || tx::SAME_KEY.get(lang())}
                        </button>
                        <input id=id("same-key-count") class="num narrow" type="text" inputmode="numeric"
                            aria-label=move || format!("{} ({})", tx::SAME_KEY.get(lang()), tx::SAME_KEY_TIMES.get(lang()))
                            prop:value=move || same_count.get() on:input=move |ev| same_count.set(event_target_value(&ev)) />
                        <span>{move || tx::SAME_KEY_TIMES.get(lang())}</span>
                    </span>
                    <p class="help" id=id("same-key-help")>{move || tx::SAME_KEY_HELP.get(lang())}</p>
                </li>
                <li class="cmp-toggle" data-toggle="exactly_once">
                    <span class="cmp-inline">
                        <button type="button" id=id("eos") class="button" disabled=disabled aria-describedby=id("eos-help")
                            on:click=move |_| if let Some(n) = number(crash_after) { act.run(CompareAction::ExactlyOnce { crash_after: n }) }>
                            {move || tx::EOS.get(lang())}
                        </button>
                        <span>{move || tx::EOS_CRASH.get(lang())}</span>
                        <input id=id("eos-crash") class="num narrow" type="text" inputmode="numeric"
                            aria-label=move || format!("{} ({} {})", tx::EOS.get(lang()), tx::EOS_CRASH.get(lang()), tx::EOS_RECORDS.get(lang()))
                            prop:value=move || crash_after.get() on:input=move |ev| crash_after.set(event_target_value(&ev)) />
                        <span>{move || tx::EOS_RECORDS.get(lang())}</span>
                    </span>
                    <p class="help" id=id("eos-help")>{move || tx::EOS_HELP.get(lang())}</p>
                </li>
            </ul>
            <p class="error" id=id("toggle-error") role="alert">
                {move || local_error.get().or_else(|| error.get().map(|e| format!("{} {e}", tx::ACTION_REFUSED.get(lang()))))}
            </p>
        </section>
    }
}
