//! One key: the fields, the computed route, the hash-key space and the
//! shard-range table.

use super::{ViewState, UI_MAX_SHARDS};
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use crate::widgets::keyspace::KeySpace;
use kinesis_lab_core::error::{parse_count, Field, ValidationError};
use kinesis_lab_core::hash::{
    even_ranges, parse_explicit_hash_key, route, validate_partition_key, Route,
};
use leptos::prelude::*;

/// The page's shard-count field: a whole number from 1 to [`UI_MAX_SHARDS`].
pub fn parse_shards(text: &str) -> Result<u32, ValidationError> {
    parse_count(Field::ShardCount, text, UI_MAX_SHARDS)
}

#[component]
pub fn SingleKey(state: RwSignal<ViewState>) -> impl IntoView {
    let ctx = use_ctx();
    let init = state.get_untracked();
    let key = RwSignal::new(init.key.clone());
    let use_explicit = RwSignal::new(init.explicit.is_some());
    let explicit = RwSignal::new(init.explicit.clone().unwrap_or_default());
    let shards_text = RwSignal::new(init.shards.to_string());

    let shards_error = Memo::new(move |_| parse_shards(&shards_text.get()).err());
    Effect::new(move |_| {
        if let Ok(n) = parse_shards(&shards_text.get()) {
            state.update(|s| s.shards = n);
        }
    });
    let shards = Memo::new(move |_| state.with(|s| s.shards));
    let ranges = Memo::new(move |_| even_ranges(shards.get()).unwrap_or_default());

    let key_error = Memo::new(move |_| key.with(|k| validate_partition_key(k).err()));
    let explicit_error = Memo::new(move |_| {
        if use_explicit.get() {
            explicit.with(|e| parse_explicit_hash_key(e).err())
        } else {
            None
        }
    });
    let routed = Memo::new(move |_| {
        let ehk = use_explicit.get().then(|| explicit.get());
        ranges.with(|r| key.with(|k| route(k, ehk.as_deref(), r)))
    });
    // The last valid route stays on screen while a field is invalid.
    let shown = RwSignal::new(None::<Route>);
    Effect::new(move |_| {
        if let Ok(r) = routed.get() {
            state.update(|s| {
                s.key = r.partition_key.clone();
                s.explicit = r.explicit_hash_key.then(|| explicit.get_untracked());
            });
            shown.set(Some(r));
        }
    });
    let stale = move || routed.with(Result::is_err);

    let error_text = move |e: Memo<Option<ValidationError>>| {
        move || e.get().map(|e| i18n::validation_error(ctx.lang.get(), &e))
    };

    view! {
        <section class="panel" aria-labelledby="one-key">
            <h2 id="one-key" class="sr-only">{move || ctx.t(T::PartitionKey)}</h2>
            <div class="fields">
                <div class="field">
                    <label for="pk">{move || ctx.t(T::PartitionKey)}</label>
                    <input
                        id="pk"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=move || key.get()
                        on:input=move |ev| key.set(event_target_value(&ev))
                        aria-invalid=move || key_error.with(Option::is_some).then_some("true")
                        aria-describedby="pk-help pk-error"
                    />
                    <p id="pk-help" class="help">{move || ctx.t(T::PartitionKeyHelp)}</p>
                    <p id="pk-error" class="error" role="alert">{error_text(key_error)}</p>
                </div>
                <div class="field">
                    <label for="shards">{move || ctx.t(T::ShardCount)}</label>
                    <div class="inline">
                        <input
                            id="shards-range"
                            type="range"
                            min="1"
                            max=UI_MAX_SHARDS
                            aria-label=move || ctx.t(T::ShardCount)
                            prop:value=move || shards.get().to_string()
                            on:input=move |ev| shards_text.set(event_target_value(&ev))
                        />
                        <input
                            id="shards"
                            class="num"
                            type="text"
                            inputmode="numeric"
                            prop:value=move || shards_text.get()
                            on:input=move |ev| shards_text.set(event_target_value(&ev))
                            aria-invalid=move || shards_error.with(Option::is_some).then_some("true")
                            aria-describedby="shards-error"
                        />
                    </div>
                    <p id="shards-error" class="error" role="alert">{error_text(shards_error)}</p>
                </div>
                <div class="field wide">
                    <label class="check">
                        <input
                            id="use-ehk"
                            type="checkbox"
                            prop:checked=move || use_explicit.get()
                            on:change=move |ev| use_explicit.set(event_target_checked(&ev))
                        />
                        {move || ctx.t(T::UseExplicit)}
                    </label>
                    <Show when=move || use_explicit.get()>
                        <label for="ehk">{move || ctx.t(T::ExplicitHashKey)}</label>
                        <input
                            id="ehk"
                            type="text"
                            inputmode="numeric"
                            autocomplete="off"
                            class="mono"
                            prop:value=move || explicit.get()
                            on:input=move |ev| explicit.set(event_target_value(&ev))
                            aria-invalid=move || explicit_error.with(Option::is_some).then_some("true")
                            aria-describedby="ehk-help ehk-error"
                        />
                        <p id="ehk-help" class="help">{move || ctx.t(T::ExplicitHelp)}</p>
                        <p id="ehk-error" class="error" role="alert">{error_text(explicit_error)}</p>
                    </Show>
                </div>
            </div>

            <div class="result" class:stale=stale aria-live="polite">
                <Show when=stale>
                    <p class="help">{move || ctx.t(T::ShowingLastValid)}</p>
                </Show>
                <dl>
                    <div>
                        <dt>{move || ctx.t(T::Md5Digest)}</dt>
                        <dd class="mono" id="md5">{move || shown.with(|r| r.as_ref().map(|r| r.md5_hex.clone()))}</dd>
                    </div>
                    <div>
                        <dt>
                            {move || ctx.t(T::HashKeyDecimal)}
                            <Show when=move || shown.with(|r| r.as_ref().is_some_and(|r| r.explicit_hash_key))>
                                " (" {move || ctx.t(T::FromExplicit)} ")"
                            </Show>
                        </dt>
                        <dd class="mono" id="hash-key">{move || shown.with(|r| r.as_ref().map(|r| r.hash_key.to_string()))}</dd>
                    </div>
                    <div class="lands">
                        <dt>{move || ctx.t(T::LandsOn)}</dt>
                        <dd class="shard-id" id="shard-id">{move || shown.with(|r| r.as_ref().map(|r| r.shard_id.to_string()))}</dd>
                    </div>
                </dl>
            </div>

            <figure class="keyspace">
                <figcaption>{move || ctx.t(T::KeySpaceCaption)}</figcaption>
                <KeySpace ranges=ranges hit=Signal::derive(move || shown.with(|r| r.as_ref().map(|r| (r.hash_key, r.shard_index)))) />
            </figure>

            <details class="ranges" open=move || (shards.get() <= 8).then_some("")>
                <summary>{move || ctx.t(T::RangeTable)} " (" {move || i18n::int(ctx.lang.get(), shards.get() as u64)} ")"</summary>
                <div class="table-wrap" tabindex="0">
                    <table id="range-table">
                        <thead>
                            <tr>
                                <th scope="col">{move || ctx.t(T::ShardIdCol)}</th>
                                <th scope="col">{move || ctx.t(T::StartingHashKey)}</th>
                                <th scope="col">{move || ctx.t(T::EndingHashKey)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                let hit = shown.with(|r| r.as_ref().map(|r| r.shard_index));
                                ranges
                                    .get()
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, r)| {
                                        view! {
                                            <tr class:hit=hit == Some(i)>
                                                <th scope="row" class="mono">{kinesis_lab_core::hash::ShardId(i as u32).to_string()}</th>
                                                <td class="mono">{r.start.to_string()}</td>
                                                <td class="mono">{r.end.to_string()}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_field_accepts_1_to_64() {
        assert_eq!(parse_shards(" 7 "), Ok(7));
        assert_eq!(parse_shards("64"), Ok(64));
        for bad in ["0", "65", "", "-1", "2.5", "four"] {
            assert_eq!(
                parse_shards(bad).unwrap_err().field,
                Field::ShardCount,
                "{bad:?}"
            );
        }
    }
}
