//! The three columns (SQS, Kafka, Kinesis) and the live counters, drawn from
//! a [`Snapshot`] of core's `CompareSim`. Shared by the compare page and the
//! compare lesson widget; every number here is the engine's (a lane's count
//! is the length of the engine's list of stored message ids).

use super::text::{self as tx, Tx};
use crate::i18n::{self, Lang};
use crate::pages::streams::sim_time_text;
use crate::shell::use_ctx;
use kinesis_lab_core::compare::sim::{
    ColumnView, CompareEvent, CompareSim, Counters, EosComparison, EosSide, EventKind, GroupView,
    Workload,
};
use kinesis_lab_core::compare::System;
use leptos::prelude::*;

/// A lane shows one mark per stored message while every lane of every
/// column holds at most this many; past it, every lane becomes a bar on one
/// shared scale (the counts stay exact, only the drawing is aggregated).
pub const DOTS_MAX: usize = 120;

/// What the columns draw: the engine's views at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub now_ms: u64,
    pub start_ms: u64,
    pub workload: Workload,
    pub columns: Vec<ColumnView>,
    /// Per system (in `System::ALL` order): its groups and their members.
    pub groups: Vec<Vec<GroupView>>,
    /// Per system: its newest events, oldest first.
    pub events: Vec<Vec<CompareEvent>>,
    /// The exactly-once demo's outcome, once it ran.
    pub eos: Option<EosComparison>,
}

/// Events each column lists.
pub const EVENTS_SHOWN: usize = 6;

impl Snapshot {
    pub fn of(sim: &CompareSim) -> Snapshot {
        let events = System::ALL
            .iter()
            .map(|&system| {
                let mut mine: Vec<CompareEvent> = sim
                    .events()
                    .iter()
                    .rev()
                    .filter(|e| e.system == system)
                    .take(EVENTS_SHOWN)
                    .cloned()
                    .collect();
                mine.reverse();
                mine
            })
            .collect();
        Snapshot {
            now_ms: sim.now_ms,
            start_ms: sim.start_ms,
            workload: sim.workload.clone(),
            columns: System::ALL.iter().map(|s| sim.column(*s)).collect(),
            groups: System::ALL.iter().map(|s| sim.groups(*s)).collect(),
            events,
            eos: sim.eos().cloned(),
        }
    }

    pub fn column(&self, system: System) -> Option<&ColumnView> {
        self.columns.iter().find(|c| c.system == system)
    }

    fn index(system: System) -> usize {
        System::ALL.iter().position(|s| *s == system).unwrap_or(0)
    }

    pub fn groups_of(&self, system: System) -> &[GroupView] {
        self.groups
            .get(Self::index(system))
            .map_or(&[], Vec::as_slice)
    }

    pub fn events_of(&self, system: System) -> &[CompareEvent] {
        self.events
            .get(Self::index(system))
            .map_or(&[], Vec::as_slice)
    }

    /// The most messages any lane of any column stores now.
    fn fullest_lane(&self) -> usize {
        self.columns
            .iter()
            .flat_map(|c| c.lanes.iter().map(|l| l.stored.len()))
            .max()
            .unwrap_or(0)
    }
}

pub fn slug(system: System) -> &'static str {
    match system {
        System::Sqs => "sqs",
        System::Kafka => "kafka",
        System::Kinesis => "kinesis",
    }
}

fn short_name(system: System) -> &'static str {
    match system {
        System::Sqs => "SQS",
        System::Kafka => "Kafka",
        System::Kinesis => "Kinesis",
    }
}

/// The simulated clock as the engine has it.
pub fn time_text(lang: Lang, snap: &Option<Snapshot>) -> String {
    snap.as_ref()
        .map(|s| sim_time_text(lang, s.now_ms))
        .unwrap_or_else(|| "—".into())
}

type Metric = (&'static str, Tx, fn(&Counters) -> Option<u64>, bool);

/// The counters in the order the table lists them: (slug, label, value,
/// is a latency in ms).
const METRICS: [Metric; 7] = [
    ("sent", tx::SENT, |c| Some(c.sent), false),
    ("delivered", tx::DELIVERED, |c| Some(c.delivered), false),
    ("duplicates", tx::DUPLICATES, |c| Some(c.duplicates), false),
    (
        "out_of_order",
        tx::OUT_OF_ORDER,
        |c| Some(c.out_of_order),
        false,
    ),
    ("readable", tx::READABLE, |c| Some(c.readable), false),
    ("latency_p50_ms", tx::P50, |c| c.latency_p50_ms, true),
    ("latency_p95_ms", tx::P95, |c| c.latency_p95_ms, true),
];

/// The counters of the three systems in one table: a row per counter, a
/// column per system, so the systems are compared along a row.
#[component]
pub fn CounterTable(snap: Signal<Option<Snapshot>>) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let rows = METRICS
        .iter()
        .map(|&(key, label, value, is_ms)| {
            let cells = System::ALL
                .iter()
                .map(|&system| {
                    let v = Memo::new(move |_| {
                        snap.with(|s| s.as_ref().and_then(|s| s.column(system)).and_then(|c| value(&c.counters)))
                    });
                    let emph = key == "readable";
                    view! {
                        <td class="num" class:emph=emph data-system=slug(system) data-counter=key
                            data-value=move || v.get().map(|n| n.to_string())>
                            {move || match v.get() {
                                Some(n) if is_ms => format!("{} {}", i18n::int(lang(), n), tx::MS.get(lang())),
                                Some(n) => i18n::int(lang(), n),
                                None => tx::NO_VALUE.get(lang()).to_owned(),
                            }}
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr data-counter=key>
                    <th scope="row">{move || label.get(lang())}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="cmp-counters-wrap">
            <table class="cmp-counters" id="cmp-counters">
                <caption>{move || tx::COUNTERS.get(lang())}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || tx::METRIC.get(lang())}</th>
                        {System::ALL.map(|s| view! { <th scope="col" class=format!("sys-{}", slug(s))>{short_name(s)}</th> }).into_iter().collect_view()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="hint cmp-latency-note" id="cmp-latency-note">{move || latency_note(lang())}</p>
        </div>
    }
}

/// Where the latency figures come from, with the engine's own constants.
fn latency_note(lang: Lang) -> String {
    use kinesis_lab_core::compare::sim::{
        KAFKA_SERVICE_MS, KINESIS_SHARED_SERVICE_MS, PROCESS_MS_PER_MESSAGE, SQS_SERVICE_MS,
    };
    match lang {
        Lang::En => format!("Latency is send to first delivery: each engine's own waits (polling, rebalances, failover) plus model constants, not published figures: SQS {SQS_SERVICE_MS} ms and Kinesis {KINESIS_SHARED_SERVICE_MS} ms are the seed outline's estimates, Kafka {KAFKA_SERVICE_MS} ms is the lab's, and every consumer spends {PROCESS_MS_PER_MESSAGE} ms on a message."),
        Lang::Vi => format!("Độ trễ tính từ lúc gửi tới lần giao đầu tiên: gồm thời gian chờ của chính từng engine (polling, rebalance, failover) cộng với các hằng số của mô hình, không phải số liệu được công bố: SQS {SQS_SERVICE_MS} ms và Kinesis {KINESIS_SHARED_SERVICE_MS} ms là ước lượng của tài liệu gốc, Kafka {KAFKA_SERVICE_MS} ms là của lab, và mỗi consumer mất {PROCESS_MS_PER_MESSAGE} ms cho một message."),
    }
}

/// The three columns side by side (stacked on narrow screens).
#[component]
pub fn Columns(
    snap: Signal<Option<Snapshot>>,
    #[prop(into)] emphasis: Signal<bool>,
) -> impl IntoView {
    let fullest = Memo::new(move |_| snap.with(|s| s.as_ref().map_or(0, Snapshot::fullest_lane)));
    view! {
        <div class="cmp-columns" class:emphasis=move || emphasis.get()>
            {System::ALL.map(|system| view! { <Column snap=snap system=system fullest=fullest emphasis=emphasis /> }).into_iter().collect_view()}
        </div>
    }
}

#[component]
fn Column(
    snap: Signal<Option<Snapshot>>,
    system: System,
    fullest: Memo<usize>,
    emphasis: Signal<bool>,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let labels = Memo::new(move |_| {
        snap.with(|s| {
            s.as_ref()
                .and_then(|s| s.column(system))
                .map(|c| c.lanes.iter().map(|l| l.label.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let groups = Memo::new(move |_| {
        snap.with(|s| {
            s.as_ref()
                .map(|s| s.groups_of(system).to_vec())
                .unwrap_or_default()
        })
    });
    let events = Memo::new(move |_| {
        snap.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.events_of(system)
                        .iter()
                        .map(|e| (e.clone(), s.start_ms))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let where_text = match system {
        System::Sqs => tx::WHERE_SQS,
        System::Kafka => tx::WHERE_KAFKA,
        System::Kinesis => tx::WHERE_KINESIS,
    };
    let title_id = format!("cmp-col-{}", slug(system));
    view! {
        <article class=format!("cmp-col sys-{}", slug(system)) data-system=slug(system) aria-labelledby=title_id.clone()>
            <h3 id=title_id.clone()>{system.name()}</h3>
            <Show when=move || emphasis.get()>
                <p class="cmp-where">{move || where_text.get(lang())}</p>
            </Show>
            <ol class="plain cmp-lanes">
                <For each=move || labels.get() key=|l| l.clone()
                    children=move |label| view! { <LaneRow snap=snap system=system label=label fullest=fullest /> } />
            </ol>
            <Show when=move || labels.with(Vec::is_empty)>
                <p class="muted">{move || tx::EMPTY_COLUMN.get(lang())}</p>
            </Show>
            <div class="cmp-groups">
                <h4>{move || tx::CONSUMERS_TITLE.get(lang())}</h4>
                {move || groups.get().into_iter().map(|g| group_view(lang(), g)).collect_view()}
            </div>
            <Show when=move || events.with(|e| !e.is_empty())>
                <div class="cmp-status">
                    <h4>{move || tx::STATUS.get(lang())}</h4>
                    <ol class="plain cmp-events">
                        {move || events.get().into_iter().rev().map(|(e, start)| view! {
                            <li data-kind=event_slug(&e.kind)>
                                <span class="cmp-at mono">{at_text(e.at, start)}</span>
                                " "
                                <span>{event_text(lang(), &e.kind)}</span>
                            </li>
                        }).collect_view()}
                    </ol>
                </div>
            </Show>
        </article>
    }
}

#[component]
fn LaneRow(
    snap: Signal<Option<Snapshot>>,
    system: System,
    label: String,
    fullest: Memo<usize>,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let key = label.clone();
    let lane = Memo::new(move |_| {
        snap.with(|s| {
            s.as_ref()
                .and_then(|s| s.column(system))
                .and_then(|c| c.lanes.iter().find(|l| l.label == key))
                .cloned()
        })
    });
    let count = Memo::new(move |_| lane.with(|l| l.as_ref().map_or(0, |l| l.stored.len())));
    let dots = Memo::new(move |_| fullest.get() <= DOTS_MAX);
    let ids = Memo::new(move |_| {
        if fullest.get() <= DOTS_MAX {
            lane.with(|l| l.as_ref().map(|l| l.stored.clone()).unwrap_or_default())
        } else {
            Vec::new()
        }
    });
    let readers = Memo::new(move |_| {
        lane.with(|l| l.as_ref().map(|l| l.readers.clone()).unwrap_or_default())
    });
    let span = Memo::new(move |_| {
        lane.with(|l| {
            l.as_ref()
                .and_then(|l| Some((*l.stored.first()?, *l.stored.last()?)))
        })
    });
    view! {
        <li class="cmp-lane" data-lane=label.clone() data-stored=move || count.get().to_string()>
            <div class="cmp-lane-head">
                <span class="cmp-lane-label mono">{lane_label(system, &label)}</span>
                <span class="cmp-lane-count">
                    {move || format!("{} {}", i18n::int(lang(), count.get() as u64), tx::STORED.get(lang()))}
                </span>
            </div>
            <div class="cmp-track" aria-hidden="true">
                {move || if dots.get() {
                    view! {
                        <div class="cmp-dots">
                            <For each=move || ids.get() key=|id| *id
                                children=move |id| view! { <span class="cmp-msg" title=format!("#{id}")></span> } />
                        </div>
                    }.into_any()
                } else {
                    let width = move || {
                        let max = fullest.get().max(1);
                        format!("width: {:.2}%", count.get() as f64 * 100.0 / max as f64)
                    };
                    view! { <div class="cmp-bar"><span class="cmp-bar-fill" style=width></span></div> }.into_any()
                }}
            </div>
            <div class="cmp-lane-foot">
                <span class="cmp-span mono">{move || span.get().map(|(a, b)| format!("#{a} … #{b}"))}</span>
                <span class="cmp-readers">
                    {move || {
                        let list = readers.get();
                        if list.is_empty() {
                            view! { <span class="cmp-reader none">{tx::NO_READER.get(lang())}</span> }.into_any()
                        } else {
                            list.into_iter()
                                .map(|r| view! { <span class="cmp-reader mono">{r}</span> })
                                .collect_view()
                                .into_any()
                        }
                    }}
                </span>
            </div>
        </li>
    }
}

fn lane_label(system: System, label: &str) -> String {
    match system {
        System::Sqs if label.is_empty() => "queue".into(),
        _ => label.to_owned(),
    }
}

fn group_view(lang: Lang, g: GroupView) -> impl IntoView {
    let stats = format!(
        "{} {} · {} {} · {} {}",
        i18n::int(lang, g.delivered),
        tx::G_DELIVERED.get(lang),
        i18n::int(lang, g.duplicates),
        tx::G_DUPLICATES.get(lang),
        i18n::int(lang, g.out_of_order),
        tx::G_OUT_OF_ORDER.get(lang),
    );
    let members = g
        .members
        .into_iter()
        .map(|m| {
            let state = if !m.alive {
                "dead"
            } else if m.paused {
                "paused"
            } else if m.idle {
                "idle"
            } else {
                "reading"
            };
            let state_text = match state {
                "dead" => tx::M_DEAD,
                "paused" => tx::M_PAUSED,
                "idle" => tx::M_IDLE,
                _ => tx::M_READING,
            };
            let lanes = m.lanes.join(", ");
            view! {
                <li class=format!("cmp-member {state}") data-member=m.label.clone() data-state=state>
                    <span class="cmp-member-label mono">{m.label.clone()}</span>
                    <span class="cmp-member-state">{state_text.get(lang)}</span>
                    <span class="cmp-member-lanes mono">{lanes}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="cmp-group" data-group=g.name.clone()>
            <h5><span class="mono">{g.name.clone()}</span>" "<small class="cmp-group-stats">{stats}</small></h5>
            <ul class="plain cmp-members">{members}</ul>
        </section>
    }
}

fn at_text(at: u64, start: u64) -> String {
    let ms = at.saturating_sub(start);
    format!("{}.{:01} s", ms / 1000, ms % 1000 / 100)
}

fn event_slug(k: &EventKind) -> &'static str {
    match k {
        EventKind::GroupStarted { .. } => "group_started",
        EventKind::NotPossible { .. } => "not_possible",
        EventKind::ConsumerKilled { .. } => "consumer_killed",
        EventKind::Redelivered { .. } => "redelivered",
        EventKind::Rebalance { .. } => "rebalance",
        EventKind::LeaseMoved { .. } => "lease_moved",
        EventKind::ShardEnded { .. } => "shard_ended",
        EventKind::CapacityAdded { .. } => "capacity_added",
        EventKind::KeysMoved { .. } => "keys_moved",
        EventKind::SameKey { .. } => "same_key",
        EventKind::ExactlyOnce { .. } => "exactly_once",
    }
}

/// One event in words; every value in it is the engine's.
pub fn event_text(lang: Lang, k: &EventKind) -> String {
    let en = lang == Lang::En;
    match k {
        EventKind::GroupStarted {
            group,
            members,
            from,
            ..
        } => {
            if en {
                format!("{group} started: {members} consumer(s), reading from {from}")
            } else {
                format!("{group} bắt đầu: {members} consumer, đọc từ {from}")
            }
        }
        EventKind::NotPossible { action, reason } => {
            let what = match (action.as_str(), en) {
                ("second_group", true) => "No second group: a queue has one set of consumers, and a deleted message is gone for everyone.".to_owned(),
                ("second_group", false) => "Không có group thứ hai: hàng đợi chỉ có một nhóm consumer, message đã xóa thì không ai đọc lại được.".to_owned(),
                ("replay", true) => "No replay: SQS keeps no history of deleted messages.".to_owned(),
                ("replay", false) => "Không đọc lại được: SQS không giữ lịch sử của message đã xóa.".to_owned(),
                ("add_capacity", true) => "Nothing to add: the queue scales by itself.".to_owned(),
                ("add_capacity", false) => "Không cần thêm gì: hàng đợi tự mở rộng.".to_owned(),
                (_, true) => format!("Not possible ({action}): {reason}"),
                (_, false) => format!("Không làm được ({action}): {reason}"),
            };
            what
        }
        EventKind::ConsumerKilled { group, consumer } => {
            if en {
                format!("{consumer} of {group} stopped")
            } else {
                format!("{consumer} của {group} đã dừng")
            }
        }
        EventKind::Redelivered {
            group,
            consumer,
            messages,
            ..
        } => {
            if en {
                format!("{group}: {consumer} received {messages} message(s) again")
            } else {
                format!("{group}: {consumer} nhận lại {messages} message")
            }
        }
        EventKind::Rebalance { group, assignment } => {
            let parts = assignment
                .iter()
                .map(|(m, ps)| {
                    let list = ps.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
                    format!("{m}→[{list}]")
                })
                .collect::<Vec<_>>()
                .join(" ");
            if en {
                format!("{group} rebalanced: {parts}")
            } else {
                format!("{group} rebalance: {parts}")
            }
        }
        EventKind::LeaseMoved {
            group,
            lease,
            to,
            from,
            reason,
        } => {
            let from = from.clone().unwrap_or_else(|| "—".into());
            if en {
                format!("{group}: lease {lease} {from} → {to} ({reason})")
            } else {
                let why = match reason.as_str() {
                    "expired" => "hết hạn, chuyển giao",
                    "stolen" => "lấy để cân bằng",
                    "new" => "lease mới",
                    other => other,
                };
                format!("{group}: lease {lease} {from} → {to} ({why})")
            }
        }
        EventKind::ShardEnded { group, lease } => {
            if en {
                format!("{group} read {lease} to its end")
            } else {
                format!("{group} đã đọc hết {lease}")
            }
        }
        EventKind::CapacityAdded { detail } => {
            if en {
                format!("Capacity added: {detail}")
            } else {
                format!("Đã thêm dung lượng: {detail}")
            }
        }
        EventKind::KeysMoved { keys, from, to } => {
            let n = keys.len();
            if en {
                format!("{n} key(s) now go to another partition ({from} → {to} partitions)")
            } else {
                format!("{n} key giờ đi vào partition khác ({from} → {to} partition)")
            }
        }
        EventKind::SameKey { key, count } => {
            if en {
                format!("{count} × {key} queued for sending")
            } else {
                format!("{count} × {key} đang chờ gửi")
            }
        }
        EventKind::ExactlyOnce {
            with_transactions,
            without,
            aborted,
        } => {
            if en {
                format!("Exactly-once demo: {with_transactions} duplicate output(s) with transactions ({aborted} aborted, unseen by read_committed), {without} without")
            } else {
                format!("Thử exactly-once: có transaction thì {with_transactions} output trùng ({aborted} bị hủy, read_committed không thấy), không có thì {without}")
            }
        }
    }
}

type EosRow = (&'static str, Tx, fn(&EosSide) -> String);

/// The exactly-once demo's outcome (Kafka's read-process-write loop, crashed
/// once with and once without transactions), beside what SQS and Kinesis
/// offer instead.
#[component]
pub fn EosPanel(snap: Signal<Option<Snapshot>>) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let eos = Memo::new(move |_| snap.with(|s| s.as_ref().and_then(|s| s.eos.clone())));
    const ROWS: [EosRow; 7] = [
        ("committed_outputs", tx::EOS_COMMITTED, |s| s.committed_outputs.to_string()),
        ("distinct_outputs", tx::EOS_DISTINCT, |s| s.distinct_outputs.to_string()),
        ("duplicate_outputs", tx::EOS_DUPLICATES, |s| s.duplicate_outputs.to_string()),
        ("missing_outputs", tx::EOS_MISSING, |s| s.missing_outputs.to_string()),
        ("aborted_outputs", tx::EOS_ABORTED, |s| s.aborted_outputs.to_string()),
        ("reprocessed", tx::EOS_REPROCESSED, |s| s.reprocessed.to_string()),
        ("zombie_fenced", tx::EOS_FENCED, |s| if s.zombie_fenced { "✔".into() } else { "—".into() }),
    ];
    view! {
        <Show when=move || eos.with(Option::is_some)>
            <section class="cmp-eos" id="cmp-eos-result" aria-labelledby="cmp-eos-title">
                <h3 id="cmp-eos-title">{move || tx::EOS_TITLE.get(lang())}</h3>
                <p class="help">{move || eos.with(|e| e.as_ref().map(|e| {
                    tx::EOS_LEAD.get(lang())
                        .replace("{n}", &i18n::int(lang(), e.messages as u64))
                        .replace("{k}", &i18n::int(lang(), e.crash_after as u64))
                }))}</p>
                <div class="cmp-counters-wrap">
                    <table class="cmp-counters cmp-eos-table">
                        <thead><tr>
                            <th scope="col">{move || tx::METRIC.get(lang())}</th>
                            <th scope="col">{move || tx::EOS_WITH.get(lang())}</th>
                            <th scope="col">{move || tx::EOS_WITHOUT.get(lang())}</th>
                        </tr></thead>
                        <tbody>
                            {ROWS.into_iter().map(|(key, label, value)| view! {
                                <tr data-eos=key>
                                    <th scope="row">{move || label.get(lang())}</th>
                                    <td class="num" data-side="transactions">{move || eos.with(|e| e.as_ref().map(|e| value(&e.transactions)))}</td>
                                    <td class="num" data-side="at_least_once">{move || eos.with(|e| e.as_ref().map(|e| value(&e.at_least_once)))}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="help cmp-eos-others">{move || eos.with(|e| e.as_ref().map(|e| {
                    tx::EOS_OTHERS.get(lang())
                        .replace("{sqs}", &i18n::int(lang(), e.sqs_redelivered))
                        .replace("{kinesis}", &i18n::int(lang(), e.kinesis_redelivered))
                }))}</p>
            </section>
        </Show>
    }
}
