//! Lesson widget: type a partition key, see where it goes, put records, and
//! watch each shard's lane fill in arrival order.

use super::keyspace::KeySpace;
use super::LabHandle;
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use kinesis_lab_core::error::ValidationError;
use kinesis_lab_core::hash::{route, ShardId};
use kinesis_lab_core::lesson::lab::Action;
use leptos::prelude::*;

#[component]
pub fn KeyRouter(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let lab = handle.lab;
    let key = RwSignal::new("user-123".to_owned());
    let shards_text = RwSignal::new(lab.with_untracked(|l| l.shards.to_string()));
    let key_error = RwSignal::new(None::<ValidationError>);
    let shards_error = RwSignal::new(None::<ValidationError>);

    let ranges = Memo::new(move |_| lab.with(|l| l.ranges.clone()));
    let preview = Memo::new(move |_| key.with(|k| ranges.with(|r| route(k, None, r))));
    Effect::new(move |_| key_error.set(preview.with(|p| p.as_ref().err().cloned())));
    let put = move || {
        if let Err(e) = handle.apply(Action::Put {
            key: key.get_untracked(),
        }) {
            key_error.set(super::field_error(e));
        }
    };
    let set_shards = move || {
        let parsed = crate::pages::partitions::parse_shards(&shards_text.get_untracked());
        let error = match parsed {
            Ok(shards) => handle
                .apply(Action::SetShards { shards })
                .err()
                .and_then(super::field_error),
            Err(e) => Some(e),
        };
        shards_error.set(error);
    };
    let err = move |e: RwSignal<Option<ValidationError>>| {
        move || e.get().map(|e| i18n::validation_error(ctx.lang.get(), &e))
    };

    view! {
        <div class="widget key-router">
            <div class="fields">
                <div class="field">
                    <label for="w-pk">{move || ctx.t(T::PartitionKey)}</label>
                    <div class="inline">
                        <input id="w-pk" type="text" autocomplete="off" spellcheck="false"
                            prop:value=move || key.get()
                            on:input=move |ev| key.set(event_target_value(&ev))
                            on:keydown=move |ev| if ev.key() == "Enter" { put() }
                            aria-invalid=move || key_error.with(Option::is_some).then_some("true")
                            aria-describedby="w-pk-error" />
                        <button id="w-put" class="button primary" on:click=move |_| put()>{move || ctx.t(T::PutRecord)}</button>
                    </div>
                    <p id="w-pk-error" class="error" role="alert">{err(key_error)}</p>
                </div>
                <div class="field">
                    <label for="w-shards">{move || ctx.t(T::ShardCount)}</label>
                    <div class="inline">
                        <input id="w-shards" class="num" type="text" inputmode="numeric"
                            prop:value=move || shards_text.get()
                            on:input=move |ev| shards_text.set(event_target_value(&ev))
                            on:keydown=move |ev| if ev.key() == "Enter" { set_shards() }
                            aria-invalid=move || shards_error.with(Option::is_some).then_some("true")
                            aria-describedby="w-shards-help w-shards-error" />
                        <button id="w-set-shards" class="button" on:click=move |_| set_shards()>{move || ctx.t(T::ApplyShards)}</button>
                    </div>
                    <p id="w-shards-help" class="help">{move || ctx.t(T::ShardsHelp)}</p>
                    <p id="w-shards-error" class="error" role="alert">{err(shards_error)}</p>
                </div>
            </div>
            <div class="result compact" aria-live="polite">
                <dl>
                    <div><dt>{move || ctx.t(T::Md5Digest)}</dt>
                        <dd class="mono" id="w-md5">{move || preview.with(|p| p.as_ref().ok().map(|r| r.md5_hex.clone()))}</dd></div>
                    <div><dt>{move || ctx.t(T::HashKeyDecimal)}</dt>
                        <dd class="mono" id="w-hash">{move || preview.with(|p| p.as_ref().ok().map(|r| r.hash_key.to_string()))}</dd></div>
                    <div class="lands"><dt>{move || ctx.t(T::LandsOn)}</dt>
                        <dd class="shard-id" id="w-shard">{move || preview.with(|p| p.as_ref().ok().map(|r| r.shard_id.to_string()))}</dd></div>
                </dl>
            </div>
            <KeySpace ranges=ranges hit=Signal::derive(move || preview.with(|p| p.as_ref().ok().map(|r| (r.hash_key, r.shard_index)))) />
            <h3 class="lanes-title">{move || ctx.t(T::Lanes)} " · " {move || ctx.t(T::RecordsPut)} ": " <span id="w-puts">{move || lab.with(|l| l.puts)}</span></h3>
            <ol class="lanes" id="w-lanes">
                {move || lab.with(|l| l.lanes.iter().enumerate().map(|(i, lane)| {
                    let hit = preview.with(|p| p.as_ref().ok().map(|r| r.shard_index)) == Some(i);
                    let records = lane.iter().map(|r| view! {
                        <li class="rec" title=format!("{} {} · {} {}", ctx.t(T::Position), r.position, ctx.t(T::PutNumber), r.put_number)>
                            <span class="rec-key">{r.key.clone()}</span>
                            <span class="rec-pos">"#"{r.position}</span>
                            <span class="rec-put">{format!("({} {})", ctx.t(T::PutNumber), r.put_number)}</span>
                        </li>
                    }).collect_view();
                    view! {
                        <li class="lane" class:hit=hit data-shard=i>
                            <span class="lane-id mono">{ShardId(i as u32).to_string()}</span>
                            <ol class="lane-records">
                                {records}
                                {lane.is_empty().then(|| view! { <li class="help">{ctx.t(T::LaneEmpty)}</li> })}
                            </ol>
                        </li>
                    }
                }).collect_view())}
            </ol>
        </div>
    }
}
