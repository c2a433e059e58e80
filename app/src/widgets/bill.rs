//! The engine's bill for one stream: every metered line with its quantity,
//! unit price and cost, and the total, from `kinesis_lab_core::stream::cost`
//! (prices from `core/data/prices.json`). The app only lays it out.

use crate::i18n::{self, Lang, T};
use kinesis_lab_core::stream::cost::{bill, prices, total, Meter};
use leptos::prelude::*;

fn dollars(lang: Lang, x: f64) -> String {
    format!("${}", i18n::decimal(lang, x, 4))
}

/// The bill of `stream` so far, as a table.
pub fn bill_table(lang: Lang, stream: &str, meter: &Meter) -> impl IntoView {
    let lines: Vec<_> = bill(meter)
        .into_iter()
        .filter(|l| l.quantity > 0.0)
        .collect();
    let sum = total(&lines);
    let empty = lines.is_empty();
    let rows = lines
        .into_iter()
        .map(|l| {
            view! {
                <tr>
                    <th scope="row">{i18n::bill_item(lang, l.item)}</th>
                    <td class="num">{format!("{} {}", i18n::decimal(lang, l.quantity, 4), i18n::bill_unit(lang, l.unit))}</td>
                    <td class="num">{format!("× ${}", i18n::decimal(lang, l.price, 3))}</td>
                    <td class="num">{dollars(lang, l.cost)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="bill-table" data-stream=stream.to_owned()>
            <caption>{format!("{}: {stream}", T::BillSoFar.get(lang))}</caption>
            <thead><tr>
                <th scope="col">{T::BillItem.get(lang)}</th>
                <th scope="col">{T::BillQuantity.get(lang)}</th>
                <th scope="col">{T::BillPrice.get(lang)}</th>
                <th scope="col">{T::BillCost.get(lang)}</th>
            </tr></thead>
            <tbody>
                {rows}
                {empty.then(|| view! { <tr><td colspan="4" class="help">{T::BillEmpty.get(lang)}</td></tr> })}
            </tbody>
            <tfoot><tr>
                <th scope="row" colspan="3">{T::BillTotal.get(lang)}</th>
                <td class="num bill-total">{dollars(lang, sum)}</td>
            </tr></tfoot>
        </table>
    }
}

/// Where the prices come from, as one line.
pub fn prices_note(lang: Lang) -> String {
    let p = prices();
    format!(
        "{} {} ({}) · {} · {}",
        T::PricesFrom.get(lang),
        p.region,
        p.currency,
        p.source,
        p.as_of
    )
}
