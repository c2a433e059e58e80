//! Other producers: the Kinesis Agent tailing a growing log file (core
//! `producer::agent`, in simulated time), and a CloudWatch Logs
//! subscription and an AWS IoT rule with their record shapes (core
//! `producer::sources`).

use super::EPOCH_MS;
use crate::clock::use_sim_clock;
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use kinesis_lab_core::error::{parse_count, Field, ValidationError};
use kinesis_lab_core::producer::agent::{
    AgentConfig, AgentStats, KinesisAgent, PartitionKeyOption, MAX_LINES_PER_SECOND,
    MAX_MAX_BUFFER_AGE_MS, MIN_MAX_BUFFER_AGE_MS,
};
use kinesis_lab_core::producer::kpl::sim::check_range;
use kinesis_lab_core::producer::sources::{cloudwatch_logs, iot_rule, IotKey, SourceSample};
use kinesis_lab_core::producer::template::{Template, TemplateError};
use kinesis_lab_core::stream::engine::Engine;
use leptos::prelude::*;

const STREAM: &str = "weblogs";
const DEFAULT_LINE: &str =
    r#"{{ip}} - - [{{now}}] "GET /products/{{product}} HTTP/1.1" {{pick "200" "200" "200" "404"}} {{number 200 9000}}"#;
const SPEEDS: [(u32, &str); 4] = [(1000, "1×"), (5000, "5×"), (20_000, "20×"), (60_000, "60×")];
/// The agent section stops here, so memory stays bounded.
const RUN_LIMIT_MS: u64 = 600_000;

#[derive(Clone, PartialEq)]
struct AgentView {
    stats: AgentStats,
    tail: Vec<String>,
    buffered: usize,
    retrying: usize,
}

#[component]
pub fn SourcesSection() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <section class="panel sources" id="sources" aria-labelledby="sources-title">
            <h2 id="sources-title">{move || ctx.t(T::SrcTitle)}</h2>
            <AgentPart />
            <CloudWatchPart />
            <IotPart />
        </section>
    }
}

#[component]
fn AgentPart() -> impl IntoView {
    let ctx = use_ctx();
    let rate = RwSignal::new("50".to_owned());
    let age = RwSignal::new("5000".to_owned());
    let records = RwSignal::new("500".to_owned());
    let line = RwSignal::new(DEFAULT_LINE.to_owned());
    let deterministic = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<ValidationError>::new());
    let line_error = RwSignal::new(None::<TemplateError>);
    let clock = use_sim_clock(1000);
    let sim = StoredValue::new(None::<(Engine, KinesisAgent)>);
    let view_of = RwSignal::new(None::<AgentView>);

    let refresh = move || {
        let v = sim.with_value(|s| {
            s.as_ref().map(|(_, a)| AgentView {
                stats: a.stats.clone(),
                tail: a.tail().map(str::to_owned).collect(),
                buffered: a.buffered().0,
                retrying: a.retrying(),
            })
        });
        view_of.set(v);
    };
    let build = move || {
        let template = Template::parse(&line.get_untracked());
        line_error.set(template.clone().err());
        let parsed = [
            parse_count(Field::RecordRate, &rate.get_untracked(), MAX_LINES_PER_SECOND),
            check_range(
                Field::MaxBufferAgeMillis,
                age.get_untracked().trim().parse().unwrap_or(0),
                MIN_MAX_BUFFER_AGE_MS,
                MAX_MAX_BUFFER_AGE_MS,
            ),
            parse_count(Field::MaxBufferSizeRecords, &records.get_untracked(), 500),
        ];
        let errs: Vec<ValidationError> = parsed.iter().filter_map(|r| r.clone().err()).collect();
        errors.set(errs.clone());
        let (Ok(template), true) = (template, errs.is_empty()) else { return };
        let [r, a, n] = parsed.map(|p| p.unwrap_or(1));
        let mut config = AgentConfig::new(STREAM, r);
        config.max_buffer_age_ms = a;
        config.max_buffer_records = n;
        config.partition_key = if deterministic.get_untracked() {
            PartitionKeyOption::Deterministic
        } else {
            PartitionKeyOption::Random
        };
        let mut engine = Engine::new();
        let _ = engine.create_stream(0, STREAM, 1);
        match KinesisAgent::new(config, template, 1, 0, EPOCH_MS) {
            Ok(agent) => {
                clock.reset();
                sim.set_value(Some((engine, agent)));
                refresh();
            }
            Err(e) => errors.set(vec![e]),
        }
    };
    build();
    Effect::new(move |_| {
        let t = clock.now_ms.get().min(RUN_LIMIT_MS);
        sim.update_value(|s| {
            if let Some((e, a)) = s {
                a.run_until(e, t);
                e.advance_to(t);
                drop(e.take_events());
            }
        });
        if t >= RUN_LIMIT_MS {
            clock.running.set(false);
        }
        refresh();
    });

    let error_for = move |field: Field| {
        move || {
            errors.with(|es| {
                es.iter()
                    .find(|e| e.field == field)
                    .map(|e| i18n::validation_error(ctx.lang.get(), e))
            })
        }
    };
    let field = move |id: &'static str, f: Field, sig: RwSignal<String>| {
        let err = error_for(f);
        let invalid = error_for(f);
        view! {
            <label class="field">
                <span>{move || i18n::field_label(ctx.lang.get(), f)}</span>
                <input id=id class="num" type="text" inputmode="numeric"
                    aria-invalid=move || invalid().is_some().to_string()
                    prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { build(); } />
                <span class="error" role="alert">{err}</span>
            </label>
        }
    };
    let lang = move || ctx.lang.get();
    let stat = move |id: &'static str, t: T, value: Box<dyn Fn(&AgentView) -> String + Send + Sync>| {
        view! {
            <div class="stat" id=id>
                <dt>{move || ctx.t(t)}</dt>
                <dd>{move || view_of.with(|v| v.as_ref().map(|v| value(v)))}</dd>
            </div>
        }
    };
    view! {
        <div class="agent" id="agent">
            <h3>{move || ctx.t(T::AgentTitle)}</h3>
            <p class="help">{move || ctx.t(T::AgentHelp)}</p>
            <div class="producer-form">
                {field("agent-rate", Field::RecordRate, rate)}
                {field("agent-age", Field::MaxBufferAgeMillis, age)}
                {field("agent-records", Field::MaxBufferSizeRecords, records)}
                <label class="field">
                    <span>{move || ctx.t(T::AgentKeys)}</span>
                    <select id="agent-keys" on:change=move |ev| deterministic.set(event_target_value(&ev) == "det")>
                        <option value="random" selected=move || !deterministic.get()>{move || ctx.t(T::AgentKeyRandom)}</option>
                        <option value="det" selected=move || deterministic.get()>{move || ctx.t(T::AgentKeyDeterministic)}</option>
                    </select>
                </label>
            </div>
            <label class="field wide">
                <span>{move || ctx.t(T::AgentLine)}</span>
                <input id="agent-line" class="mono" type="text" spellcheck="false"
                    aria-invalid=move || line_error.with(|e| e.is_some()).to_string()
                    prop:value=move || line.get() on:input=move |ev| line.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { build(); } />
                <span class="error" role="alert">{move || line_error.with(|e| e.as_ref().map(|e| i18n::template_error(lang(), e)))}</span>
            </label>
            <div class="time-bar">
                <button id="agent-apply" class="button primary" on:click=move |_| build()>{move || ctx.t(T::KplApply)}</button>
                <span class="sim-time"><span class="label">{move || ctx.t(T::SimTime)} ": "</span>
                    <strong id="agent-time" class="mono">{move || format!("{:.1} s", clock.now_ms.get().min(RUN_LIMIT_MS) as f64 / 1000.0)}</strong></span>
                <button id="agent-play" class="button primary" on:click=move |_| clock.running.update(|r| *r = !*r)>
                    {move || if clock.running.get() { ctx.t(T::Pause) } else { ctx.t(T::Play) }}
                </button>
                <label class="inline">
                    <span>{move || ctx.t(T::Speed)}</span>
                    <select id="agent-speed" class="narrow" on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { clock.speed_milli.set(v) }>
                        {SPEEDS.map(|(v, label)| view! { <option value=v selected=v == 1000>{label}</option> }).to_vec()}
                    </select>
                </label>
                <button id="agent-step" class="button" on:click=move |_| { clock.running.set(false); clock.now_ms.update(|t| *t = (*t + 10_000).min(RUN_LIMIT_MS)); }>
                    {move || ctx.t(T::FanOutStep)}
                </button>
            </div>
            <div class="agent-grid">
                <figure class="agent-file">
                    <figcaption>{move || ctx.t(T::AgentFile)}" (app.log)"</figcaption>
                    <pre id="agent-tail" class="mono" tabindex="0">{move || view_of.with(|v| v.as_ref().map(|v| v.tail.join("\n")))}</pre>
                </figure>
                <dl class="agent-stats">
                    {stat("agent-written", T::AgentWritten, Box::new(move |v| i18n::int(lang(), v.stats.lines_written)))}
                    {stat("agent-file-size", T::AgentFileSize, Box::new(move |v| i18n::int(lang(), v.stats.file_bytes)))}
                    {stat("agent-buffered", T::AgentBuffered, Box::new(move |v| i18n::int(lang(), v.buffered as u64)))}
                    {stat("agent-calls", T::AgentCalls, Box::new(move |v| i18n::int(lang(), v.stats.put_records_calls)))}
                    {stat("agent-put", T::AgentPut, Box::new(move |v| i18n::int(lang(), v.stats.records_put)))}
                    {stat("agent-throttled", T::AgentThrottled, Box::new(move |v| i18n::int(lang(), v.stats.records_throttled)))}
                    {stat("agent-retries", T::AgentRetries, Box::new(move |v| i18n::int(lang(), v.stats.retries)))}
                    {stat("agent-retrying", T::AgentRetrying, Box::new(move |v| i18n::int(lang(), v.retrying as u64)))}
                    {stat("agent-checkpoint", T::AgentCheckpoint, Box::new(move |v| i18n::int(lang(), v.stats.checkpoint_bytes)))}
                    {stat("agent-behind", T::AgentBehind, Box::new(move |v| i18n::int(lang(), v.stats.file_bytes - v.stats.checkpoint_bytes)))}
                    {stat("agent-latency", T::AgentLatency, Box::new(move |v| if v.stats.records_put == 0 { "–".into() } else {
                        format!("{} ms", i18n::int(lang(), v.stats.latency_sum_ms / v.stats.records_put))
                    }))}
                </dl>
            </div>
        </div>
    }
}

/// One record of a sample, and how the sample's records spread over shards.
fn sample_view(id: &'static str, sample: &SourceSample, lang: i18n::Lang) -> impl IntoView {
    let record = sample.records.first().cloned();
    let pretty = record
        .as_ref()
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(&r.data)
                .and_then(|v| serde_json::to_string_pretty(&v))
                .unwrap_or_else(|_| r.data.clone())
        })
        .unwrap_or_default();
    let key = record.map(|r| r.partition_key).unwrap_or_default();
    view! {
        <div class="source-sample" id=id>
            <h4>{T::SampleRecord.get(lang)}</h4>
            <p class="mono">"PartitionKey: "{key}</p>
            <pre class="mono sample-data" tabindex="0">{pretty}</pre>
            <table class="per-shard">
                <caption>{T::PerShard.get(lang)}</caption>
                <thead><tr>{(0..sample.per_shard.len()).map(|i| view! { <th scope="col">{format!("shardId-{i:012}")}</th> }).collect_view()}</tr></thead>
                <tbody><tr>{sample.per_shard.iter().map(|n| view! { <td>{i18n::int(lang, *n)}</td> }).collect_view()}</tr></tbody>
            </table>
        </div>
    }
}

#[component]
fn CloudWatchPart() -> impl IntoView {
    let ctx = use_ctx();
    // Constant templates: they parse.
    let sample = Template::parse(r#"{{ip}} GET /products/{{product}} {{pick "200" "200" "500"}} {{number 3 900}} ms"#)
        .ok()
        .and_then(|t| cloudwatch_logs(&t, 1, 3, 10, 4, EPOCH_MS).ok());
    view! {
        <div class="source cwl" id="cwl">
            <h3>{move || ctx.t(T::CwlTitle)}</h3>
            <p class="help">{move || ctx.t(T::CwlHelp)}</p>
            {move || sample.as_ref().map(|s| sample_view("cwl-sample", s, ctx.lang.get()))}
        </div>
    }
}

#[component]
fn IotPart() -> impl IntoView {
    let ctx = use_ctx();
    let by_topic = RwSignal::new(true);
    let payload = Template::parse(r#"{"temperature": {{decimal 15 35 1}}, "humidity": {{number 20 90}}, "ts": "{{now}}"}"#).ok();
    let sample = Memo::new(move |_| {
        let key = if by_topic.get() { IotKey::Topic } else { IotKey::NewUuid };
        payload.as_ref().and_then(|p| iot_rule(p, 1, 3, 2, 10, 4, key, EPOCH_MS).ok())
    });
    view! {
        <div class="source iot" id="iot">
            <h3>{move || ctx.t(T::IotTitle)}</h3>
            <p class="help">{move || ctx.t(T::IotHelp)}</p>
            <label class="field">
                <span>{move || ctx.t(T::IotKey)}</span>
                <select id="iot-key" on:change=move |ev| by_topic.set(event_target_value(&ev) == "topic")>
                    <option value="topic">"${topic()}"</option>
                    <option value="uuid">"${newuuid()}"</option>
                </select>
            </label>
            {move || sample.get().map(|s| sample_view("iot-sample", &s, ctx.lang.get()))}
        </div>
    }
}
