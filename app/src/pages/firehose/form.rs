//! The delivery stream's settings form. Fields keep the text typed; the
//! engine's validation errors are shown beside the field they name.

use crate::i18n::T;
use crate::shell::use_ctx;
use leptos::prelude::*;

/// Form fields, as typed. `Copy` (signals), shared by the page's parts.
#[derive(Clone, Copy)]
pub struct Form {
    pub source: RwSignal<String>,
    pub rate: RwSignal<String>,
    pub template: RwSignal<String>,
    pub size_mib: RwSignal<String>,
    pub interval_s: RwSignal<String>,
    pub transform: RwSignal<String>,
    pub tf_field: RwSignal<String>,
    pub tf_value: RwSignal<String>,
    pub tf_columns: RwSignal<String>,
    pub js: RwSignal<String>,
    pub retries: RwSignal<String>,
    pub conversion: RwSignal<String>,
    pub schema: RwSignal<String>,
    pub compression: RwSignal<String>,
    pub destination: RwSignal<String>,
    pub endpoint_fail: RwSignal<bool>,
    pub latency_ms: RwSignal<String>,
    pub retry_s: RwSignal<String>,
    pub backup: RwSignal<String>,
    pub prefix: RwSignal<String>,
    pub error_prefix: RwSignal<String>,
    /// Field id → error text, from the last Create.
    pub errors: RwSignal<Vec<(&'static str, String)>>,
}

pub const DEFAULT_TEMPLATE: &str =
    r#"{"user":"{{user_id}}","amount":{{number 1 500}},"ts":"{{now}}"}"#;
pub const DEFAULT_SCHEMA: &str = "user:string\namount:int\nts:timestamp";

impl Form {
    pub fn new(js_starter: String) -> Self {
        let s = |v: &str| RwSignal::new(v.to_owned());
        Form {
            source: s("direct"),
            rate: s("200"),
            template: s(DEFAULT_TEMPLATE),
            size_mib: s("1"),
            interval_s: s("60"),
            transform: s("none"),
            tf_field: s("user"),
            tf_value: s("user-1"),
            tf_columns: s("user,amount,ts"),
            js: RwSignal::new(js_starter),
            retries: s("3"),
            conversion: s("off"),
            schema: s(DEFAULT_SCHEMA),
            compression: s("GZIP"),
            destination: s("s3"),
            endpoint_fail: RwSignal::new(false),
            latency_ms: s("200"),
            retry_s: s("300"),
            backup: s("Disabled"),
            prefix: s(""),
            error_prefix: s(""),
            errors: RwSignal::new(Vec::new()),
        }
    }

    pub fn error(&self, id: &'static str) -> Option<String> {
        self.errors
            .with(|es| es.iter().find(|(f, _)| *f == id).map(|(_, e)| e.clone()))
    }
}

/// A labelled text input with its error beside it.
fn text_field(id: &'static str, label: T, help: Option<T>, sig: RwSignal<String>, form: Form, on_enter: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let ctx = use_ctx();
    let err_id = format!("{id}-error");
    let describedby = err_id.clone();
    view! {
        <label class="field">
            <span>{move || ctx.t(label)}</span>
            <input id=id type="text" spellcheck="false" class="num"
                aria-invalid=move || form.error(id).is_some().to_string()
                aria-describedby=describedby
                prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))
                on:keydown=move |ev| if ev.key() == "Enter" { on_enter(); } />
            {help.map(|h| view! { <span class="help">{move || ctx.t(h)}</span> })}
            <span class="error" id=err_id role="alert">{move || form.error(id)}</span>
        </label>
    }
}

fn select_field(id: &'static str, label: T, sig: RwSignal<String>, options: Vec<(&'static str, Option<T>)>, form: Form) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <label class="field">
            <span>{move || ctx.t(label)}</span>
            <select id=id aria-invalid=move || form.error(id).is_some().to_string()
                prop:value=move || sig.get()
                on:change=move |ev| sig.set(event_target_value(&ev))>
                {options.into_iter().map(|(value, text)| view! {
                    <option value=value selected=move || sig.get() == value>
                        {move || text.map(|t| ctx.t(t).to_owned()).unwrap_or_else(|| value.to_owned())}
                    </option>
                }).collect_view()}
            </select>
            <span class="error" role="alert">{move || form.error(id)}</span>
        </label>
    }
}

#[component]
pub fn SettingsForm(form: Form, apply: Callback<()>, js_starter: String) -> impl IntoView {
    let ctx = use_ctx();
    let go = move || apply.run(());
    let tf = form.transform;
    let dest = form.destination;
    let endpoint = move || matches!(dest.get().as_str(), "splunk" | "http");
    // Parquet output is Snappy-compressed inside: the object itself is not.
    Effect::new(move |_| {
        if form.conversion.get() == "parquet" {
            form.compression.set("UNCOMPRESSED".into());
        }
    });
    // S3 and Redshift back up all data or nothing; the others always keep
    // failed data: follow the destination so the default stays valid.
    Effect::new(move |_| {
        let d = dest.get();
        let s3_like = matches!(d.as_str(), "s3" | "redshift");
        let b = form.backup.get_untracked();
        if s3_like && b == "FailedDataOnly" {
            form.backup.set("Disabled".into());
        } else if !s3_like && b == "Disabled" {
            form.backup.set("FailedDataOnly".into());
        }
    });
    view! {
        <section class="panel fh-config" id="fh-config" aria-labelledby="fh-config-title">
            <h2 id="fh-config-title">{move || ctx.t(T::FhConfigTitle)}</h2>
            <div class="fh-form-grid">
                <fieldset>
                    <legend>{move || ctx.t(T::FhSource)}</legend>
                    {select_field("fh-source", T::FhSourceKind, form.source, vec![("direct", Some(T::FhSourceDirect)), ("stream", Some(T::FhSourceStream))], form)}
                    {text_field("fh-rate", T::FhRate, None, form.rate, form, go)}
                    <label class="field wide">
                        <span>{move || ctx.t(T::FhTemplate)}</span>
                        <input id="fh-template" class="mono" type="text" spellcheck="false"
                            aria-invalid=move || form.error("fh-template").is_some().to_string()
                            prop:value=move || form.template.get() on:input=move |ev| form.template.set(event_target_value(&ev)) />
                        <span class="help">{move || ctx.t(T::FhTemplateHelp)}</span>
                        <span class="error" role="alert">{move || form.error("fh-template")}</span>
                    </label>
                </fieldset>
                <fieldset>
                    <legend>{move || ctx.t(T::FhBuffering)}</legend>
                    <p class="help">{move || ctx.t(T::FhBufferHelp)}</p>
                    <div class="producer-form">
                        {text_field("fh-size", T::FhBufferSize, None, form.size_mib, form, go)}
                        {text_field("fh-interval", T::FhBufferInterval, None, form.interval_s, form, go)}
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{move || ctx.t(T::FhDestination)}</legend>
                    {select_field("fh-destination", T::FhDestKind, dest, vec![
                        ("s3", Some(T::FhDestS3)), ("redshift", Some(T::FhDestRedshift)), ("opensearch", Some(T::FhDestOpenSearch)),
                        ("splunk", Some(T::FhDestSplunk)), ("http", Some(T::FhDestHttp))], form)}
                    <Show when=endpoint>
                        <label class="check">
                            <input id="fh-endpoint-fail" type="checkbox" prop:checked=move || form.endpoint_fail.get()
                                on:change=move |ev| form.endpoint_fail.set(event_target_checked(&ev)) />
                            {move || ctx.t(T::FhEndpointFail)}
                        </label>
                        {text_field("fh-latency", T::FhEndpointLatency, None, form.latency_ms, form, go)}
                    </Show>
                    <Show when=move || dest.get() != "s3">
                        {text_field("fh-retry", T::FhRetryDuration, None, form.retry_s, form, go)}
                    </Show>
                    {select_field("fh-backup", T::FhBackup, form.backup, vec![
                        ("Disabled", Some(T::FhBackupOff)), ("AllData", Some(T::FhBackupAll)), ("FailedDataOnly", Some(T::FhBackupFailed))], form)}
                    {text_field("fh-prefix", T::FhPrefix, Some(T::FhPrefixHelp), form.prefix, form, go)}
                </fieldset>
                <fieldset>
                    <legend>{move || ctx.t(T::FhConversion)}" · "{move || ctx.t(T::FhCompression)}</legend>
                    {select_field("fh-conversion", T::FhConversion, form.conversion, vec![("off", Some(T::FhConvOff)), ("parquet", Some(T::FhConvParquet))], form)}
                    <Show when=move || form.conversion.get() == "parquet">
                        <label class="field wide">
                            <span>{move || ctx.t(T::FhSchema)}</span>
                            <textarea id="fh-schema" class="mono" rows="4" spellcheck="false"
                                aria-invalid=move || form.error("fh-schema").is_some().to_string()
                                prop:value=move || form.schema.get() on:input=move |ev| form.schema.set(event_target_value(&ev))></textarea>
                            <span class="help">{move || ctx.t(T::FhSchemaHelp)}</span>
                            <span class="error" role="alert">{move || form.error("fh-schema")}</span>
                        </label>
                    </Show>
                    <p class="help" id="fh-orc-note">{move || ctx.t(T::FhOrcNote)}</p>
                    {select_field("fh-compression", T::FhCompression, form.compression, vec![
                        ("UNCOMPRESSED", None), ("GZIP", None), ("Snappy", None), ("ZIP", None), ("HADOOP_SNAPPY", None)], form)}
                </fieldset>
                <fieldset class="fh-transform">
                    <legend>{move || ctx.t(T::FhTransform)}</legend>
                    <div class="producer-form">
                        {select_field("fh-transform", T::FhTfKind, tf, vec![
                            ("none", Some(T::FhTfNone)), ("filter", Some(T::FhTfFilter)), ("add", Some(T::FhTfAdd)),
                            ("csv", Some(T::FhTfCsv)), ("dropjson", Some(T::FhTfDropJson)), ("js", Some(T::FhTfJs))], form)}
                        <Show when=move || tf.get() != "none">
                            {text_field("fh-retries", T::FhRetries, None, form.retries, form, go)}
                        </Show>
                        <Show when=move || matches!(tf.get().as_str(), "filter" | "add")>
                            {text_field("fh-tf-field", T::FhTfField, None, form.tf_field, form, go)}
                            {text_field("fh-tf-value", T::FhTfValue, None, form.tf_value, form, go)}
                        </Show>
                        <Show when=move || tf.get() == "csv">
                            {text_field("fh-tf-columns", T::FhTfColumns, None, form.tf_columns, form, go)}
                        </Show>
                    </div>
                    <Show when=move || tf.get() == "js">
                        {
                            let starter = js_starter.clone();
                            view! {
                                <label class="field wide">
                                    <span>{move || ctx.t(T::FhJsCode)}</span>
                                    <textarea id="fh-js" class="mono code" rows="14" spellcheck="false"
                                        aria-invalid=move || form.error("fh-js").is_some().to_string()
                                        prop:value=move || form.js.get() on:input=move |ev| form.js.set(event_target_value(&ev))></textarea>
                                    <span class="help">{move || ctx.t(T::FhJsHelp)}</span>
                                    <span class="error" role="alert">{move || form.error("fh-js")}</span>
                                </label>
                                <button type="button" class="button small" id="fh-js-reset" on:click=move |_| form.js.set(starter.clone())>
                                    {move || ctx.t(T::FhJsReset)}
                                </button>
                            }
                        }
                    </Show>
                </fieldset>
            </div>
            <div class="buttons">
                <button id="fh-apply" class="button primary" on:click=move |_| go()>{move || ctx.t(T::FhApply)}</button>
                <span class="error" role="status" id="fh-form-error">
                    {move || (!form.errors.with(Vec::is_empty)).then(|| ctx.t(T::FhFixErrors))}
                </span>
            </div>
        </section>
    }
}
