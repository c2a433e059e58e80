//! The Amazon SQS model (core/src/compare/sqs.rs): AWS's documented
//! behaviours as unit tests, and the properties as proptests.

use std::collections::{BTreeMap, BTreeSet};

use kinesis_lab_core::compare::sqs::*;
use proptest::prelude::*;

fn msg(id: u64, key: &str) -> SendMessage {
    SendMessage {
        id,
        key: key.to_string(),
        bytes: 100,
        group_id: None,
        dedup_id: None,
    }
}

fn fifo_msg(id: u64, group: &str) -> SendMessage {
    SendMessage {
        id,
        key: group.to_string(),
        bytes: 100,
        group_id: Some(group.to_string()),
        dedup_id: Some(format!("dedup-{id}")),
    }
}

/// A standard queue with long polling, no duplicates: receives are exact.
fn standard(visibility_s: u32) -> SqsQueue {
    let cfg = QueueConfig {
        visibility_timeout_s: visibility_s,
        receive_wait_s: 20,
        duplicate_per_million: 0,
        ..QueueConfig::default()
    };
    SqsQueue::new("orders", cfg, 7).unwrap()
}

fn fifo(cfg: QueueConfig) -> SqsQueue {
    SqsQueue::new("orders.fifo", cfg, 7).unwrap()
}

fn at(e: &SqsEvent) -> u64 {
    match e {
        SqsEvent::Sent { at, .. }
        | SqsEvent::Deduplicated { at, .. }
        | SqsEvent::Received { at, .. }
        | SqsEvent::EmptyReceive { at, .. }
        | SqsEvent::Deleted { at, .. }
        | SqsEvent::StaleReceiptIgnored { at, .. }
        | SqsEvent::DelayEnded { at, .. }
        | SqsEvent::VisibleAgain { at, .. }
        | SqsEvent::VisibilityChanged { at, .. }
        | SqsEvent::DeadLettered { at, .. }
        | SqsEvent::Expired { at, .. }
        | SqsEvent::StaleCopyKept { at, .. } => *at,
    }
}

fn ids(ds: &[Delivery]) -> Vec<u64> {
    ds.iter().map(|d| d.id).collect()
}

#[test]
fn visibility_timeout_redelivers_and_counts_receives() {
    let mut q = standard(30);
    q.send(0, msg(1, "k")).unwrap();
    let first = q.receive(0, 1, None).unwrap();
    assert_eq!(ids(&first), vec![1]);
    assert_eq!(first[0].receive_count, 1);
    assert_eq!(q.stats().in_flight, 1);
    // Hidden while the timeout runs.
    assert!(q.receive(29_999, 10, None).unwrap().is_empty());
    assert_eq!(q.next_deadline(), Some(30_000));
    q.advance_to(30_000);
    assert_eq!(q.stats().visible, 1);
    assert!(q.events().any(|e| matches!(
        e,
        SqsEvent::VisibleAgain {
            at: 30_000,
            id: 1,
            ..
        }
    )));
    let second = q.receive(30_000, 1, None).unwrap();
    assert_eq!(ids(&second), vec![1]);
    assert_eq!(second[0].receive_count, 2);
    assert_ne!(first[0].receipt_handle, second[0].receipt_handle);
    // The old handle is accepted but deletes nothing (AWS: use the newest).
    q.delete(31_000, &first[0].receipt_handle).unwrap();
    assert_eq!(q.readable(), 1);
    assert_eq!(q.stats().stale_receipts, 1);
    q.delete(31_000, &second[0].receipt_handle).unwrap();
    assert_eq!(q.readable(), 0);
    assert_eq!(q.stats().deleted, 1);
    // Gone for good: no more deliveries, however long we wait.
    q.advance_to(10_000_000);
    assert!(q.receive(10_000_000, 10, None).unwrap().is_empty());
}

#[test]
fn receive_visibility_override_and_change_visibility() {
    let mut q = standard(60);
    q.send(0, msg(1, "k")).unwrap();
    let d = q.receive(0, 1, Some(5)).unwrap();
    assert_eq!(q.next_deadline(), Some(5_000));
    // AWS's example: 60 s queue timeout, 15 s in, set 10 s ⇒ visible at 25 s.
    let mut q2 = standard(60);
    q2.send(0, msg(1, "k")).unwrap();
    let d2 = q2.receive(0, 1, None).unwrap();
    q2.change_visibility(15_000, &d2[0].receipt_handle, 10)
        .unwrap();
    assert!(q2.receive(24_999, 1, None).unwrap().is_empty());
    assert_eq!(ids(&q2.receive(25_000, 1, None).unwrap()), vec![1]);
    // 12-hour cap from the receive: 43,200 s one second later is refused.
    let mut q3 = standard(60);
    q3.send(0, msg(1, "k")).unwrap();
    let d3 = q3.receive(0, 1, None).unwrap();
    let before = q3.clone();
    let e = q3
        .change_visibility(1_000, &d3[0].receipt_handle, 43_200)
        .unwrap_err();
    assert_eq!(e.field, "VisibilityTimeout");
    assert_eq!(q3, before);
    q3.change_visibility(1_000, &d3[0].receipt_handle, 43_199)
        .unwrap();
    // Timeout 0 makes it visible at once.
    q.change_visibility(1_000, &d[0].receipt_handle, 0).unwrap();
    assert_eq!(q.stats().visible, 1);
    // Not in flight any more.
    assert_eq!(
        q.change_visibility(1_000, &d[0].receipt_handle, 5)
            .unwrap_err()
            .field,
        "ReceiptHandle"
    );
    assert_eq!(
        q.receive(0, 1, Some(43_201)).unwrap_err().field,
        "VisibilityTimeout"
    );
}

#[test]
fn dead_letter_queue_after_max_receive_count_3() {
    // AWS's example: maxReceiveCount 3, a consumer that never deletes.
    let cfg = QueueConfig {
        visibility_timeout_s: 30,
        receive_wait_s: 20,
        max_receive_count: Some(3),
        retention_s: 300,
        duplicate_per_million: 0,
        ..QueueConfig::default()
    };
    let mut q = SqsQueue::new("jobs", cfg, 1).unwrap();
    q.send(0, msg(9, "k")).unwrap();
    for (i, t) in [0u64, 30_000, 60_000].into_iter().enumerate() {
        let d = q.receive(t, 1, None).unwrap();
        assert_eq!(ids(&d), vec![9]);
        assert_eq!(d[0].receive_count, i as u32 + 1);
    }
    assert_eq!(q.dlq_len(), 0);
    // The fourth receive attempt moves it instead of delivering it.
    assert!(q.receive(90_000, 1, None).unwrap().is_empty());
    assert_eq!(q.dlq_len(), 1);
    assert_eq!(q.readable(), 0);
    let dl = &q.dlq()[0];
    assert_eq!(
        (dl.id, dl.receive_count, dl.sent_ms, dl.moved_ms),
        (9, 3, 0, 90_000)
    );
    assert_eq!(q.stats().dead_lettered, 1);
    // Retention in the DLQ still counts from the original enqueue time.
    assert_eq!(q.next_deadline(), Some(300_000));
    q.advance_to(299_999);
    assert_eq!(q.dlq_len(), 1);
    q.advance_to(300_000);
    assert_eq!(q.dlq_len(), 0);
    assert_eq!(q.stats().dlq_expired, 1);
}

#[test]
fn fifo_dead_letters_the_head_and_moves_on_in_the_group() {
    let cfg = QueueConfig {
        max_receive_count: Some(2),
        visibility_timeout_s: 10,
        ..QueueConfig::fifo()
    };
    let mut q = fifo(cfg);
    for id in 1..=2 {
        q.send(0, fifo_msg(id, "g")).unwrap();
    }
    assert_eq!(ids(&q.receive(0, 1, None).unwrap()), vec![1]);
    assert_eq!(ids(&q.receive(10_000, 1, None).unwrap()), vec![1]);
    // Received twice, not deleted: the third attempt moves it and hands out 2.
    let d = q.receive(20_000, 10, None).unwrap();
    assert_eq!(ids(&d), vec![2]);
    assert_eq!(q.dlq().iter().map(|x| x.id).collect::<Vec<_>>(), vec![1]);
    assert_eq!(d[0].receive_count, 1);
}

#[test]
fn events_come_in_time_order() {
    // Deadlines of several messages fall between two calls; advance_to
    // reports them by time, not by message.
    let cfg = QueueConfig {
        receive_wait_s: 20,
        duplicate_per_million: 0,
        retention_s: 60,
        ..QueueConfig::default()
    };
    let mut q = SqsQueue::new("order", cfg, 4).unwrap();
    q.send_delayed(0, msg(1, "a"), Some(50)).unwrap();
    q.send(1_000, msg(2, "b")).unwrap();
    q.receive(1_000, 1, Some(5)).unwrap();
    q.send_delayed(2_000, msg(3, "c"), Some(2)).unwrap();
    q.advance_to(100_000);
    let ev: Vec<SqsEvent> = q.take_events();
    let times: Vec<u64> = ev.iter().map(at).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    // 3's delay ends at 4 s, 2 is visible again at 6 s, 1's delay ends at 50 s,
    // then retention: 1 and 3 (sent at 0 and 2 s) at 60 and 62 s, 2 at 61 s.
    let tail: Vec<(u64, u64)> = ev
        .iter()
        .filter_map(|e| match e {
            SqsEvent::DelayEnded { at, id, .. } | SqsEvent::VisibleAgain { at, id, .. } => {
                Some((*at, *id))
            }
            SqsEvent::Expired { at, id, .. } => Some((*at, *id)),
            _ => None,
        })
        .collect();
    assert_eq!(
        tail,
        vec![
            (4_000, 3),
            (6_000, 2),
            (50_000, 1),
            (60_000, 1),
            (61_000, 2),
            (62_000, 3)
        ]
    );
}

#[test]
fn long_poll_retry_time() {
    let mut q = standard(30);
    assert_eq!(q.long_poll_retry_at(1_000, 20), 21_000);
    q.send(0, msg(1, "k")).unwrap();
    q.receive(0, 1, Some(5)).unwrap();
    // Nothing visible: the in-flight message surfaces at 5 s, before the wait ends.
    assert_eq!(q.long_poll_retry_at(1_000, 20), 5_000);
    assert_eq!(q.long_poll_retry_at(1_000, 2), 3_000);
}

#[test]
fn retention_drops_messages_in_any_state() {
    let cfg = QueueConfig {
        retention_s: 60,
        visibility_timeout_s: 600,
        receive_wait_s: 20,
        duplicate_per_million: 0,
        ..QueueConfig::default()
    };
    let mut q = SqsQueue::new("short-lived", cfg, 3).unwrap();
    q.send(1_000, msg(1, "a")).unwrap();
    let d = q.receive(1_000, 1, None).unwrap();
    q.send(2_000, msg(2, "b")).unwrap();
    assert_eq!(ids(&d), vec![1]); // in flight until 602 s, but retention ends at 61 s
    assert_eq!(q.next_deadline(), Some(61_000));
    q.advance_to(60_999);
    assert_eq!(q.readable(), 2);
    q.advance_to(61_000);
    assert_eq!(q.readable(), 1);
    q.advance_to(62_000);
    assert_eq!(q.readable(), 0);
    assert_eq!(q.stats().expired, 2);
    let expired: Vec<(u64, u64)> = q
        .events()
        .filter_map(|e| match e {
            SqsEvent::Expired {
                at,
                id,
                dead_letter: false,
            } => Some((*at, *id)),
            _ => None,
        })
        .collect();
    assert_eq!(expired, vec![(61_000, 1), (62_000, 2)]);
    // The receipt of an expired message deletes nothing and does not fail.
    q.delete(70_000, &d[0].receipt_handle).unwrap();
    assert_eq!(q.stats().deleted, 0);
}

#[test]
fn delay_seconds_hold_messages_back() {
    let mut q = standard(30);
    assert_eq!(q.set_delay_seconds(901).unwrap_err().field, "DelaySeconds");
    q.set_delay_seconds(10).unwrap();
    q.send(0, msg(1, "a")).unwrap();
    q.send_delayed(0, msg(2, "b"), Some(0)).unwrap();
    assert_eq!(q.stats().delayed, 1);
    assert_eq!(ids(&q.receive(0, 10, None).unwrap()), vec![2]);
    assert_eq!(q.next_visible_at(), Some(10_000));
    assert_eq!(ids(&q.receive(10_000, 10, None).unwrap()), vec![1]);
    let mut f = fifo(QueueConfig::fifo());
    assert_eq!(
        f.send_delayed(0, fifo_msg(1, "g"), Some(5))
            .unwrap_err()
            .field,
        "DelaySeconds"
    );
}

#[test]
fn fifo_dedup_window_drops_at_4_minutes_and_accepts_at_6() {
    let mut q = fifo(QueueConfig::fifo());
    let m = |id| SendMessage {
        dedup_id: Some("order-42".into()),
        ..fifo_msg(id, "g")
    };
    q.send(0, m(1)).unwrap();
    let d = q.receive(0, 1, None).unwrap();
    q.delete(1_000, &d[0].receipt_handle).unwrap();
    // Tracked after delete: a resend at +4 min is accepted and dropped.
    q.send(240_000, m(2)).unwrap();
    assert_eq!(q.stats().deduplicated, 1);
    assert_eq!(q.readable(), 0);
    assert!(q.events().any(|e| matches!(
        e,
        SqsEvent::Deduplicated {
            at: 240_000,
            id: 2,
            ..
        }
    )));
    q.send(DEDUP_WINDOW_MS - 1, m(3)).unwrap();
    assert_eq!(q.stats().deduplicated, 2);
    // +6 min: the window is over, the message is stored again.
    q.send(360_000, m(4)).unwrap();
    assert_eq!(q.stats().sent, 2);
    assert_eq!(ids(&q.receive(360_000, 10, None).unwrap()), vec![4]);
}

#[test]
fn content_based_dedup_compares_bodies() {
    let mut q = fifo(QueueConfig {
        content_based_dedup: true,
        ..QueueConfig::fifo()
    });
    let plain = |id, key: &str| SendMessage {
        group_id: None,
        dedup_id: None,
        ..msg(id, key)
    };
    q.send(0, plain(1, "g")).unwrap();
    q.send(1_000, plain(1, "g")).unwrap(); // a producer retry: same body
    assert_eq!((q.stats().sent, q.stats().deduplicated), (1, 1));
    q.send(2_000, plain(2, "g")).unwrap(); // another body
    assert_eq!(q.stats().sent, 2);
    // An explicit id overrides the body.
    q.send(
        3_000,
        SendMessage {
            dedup_id: Some("x".into()),
            ..plain(1, "g")
        },
    )
    .unwrap();
    assert_eq!(q.stats().sent, 3);
    assert_eq!(plain(1, "g").body(), plain(1, "g").body());
    assert_ne!(plain(1, "g").body(), plain(2, "g").body());
    // Without content-based dedup a dedup id is required.
    let mut q = fifo(QueueConfig::fifo());
    let e = q.send(0, plain(1, "g")).unwrap_err();
    assert_eq!(e.field, "MessageDeduplicationId");
    assert_eq!(q.readable(), 0);
}

#[test]
fn fifo_requires_group_id_and_name_suffix() {
    let mut q = fifo(QueueConfig::fifo());
    let no_group = SendMessage {
        key: String::new(),
        group_id: None,
        ..fifo_msg(1, "g")
    };
    assert_eq!(q.send(0, no_group).unwrap_err().field, "MessageGroupId");
    let long = SendMessage {
        group_id: Some("g".repeat(129)),
        ..fifo_msg(1, "g")
    };
    assert_eq!(q.send(0, long).unwrap_err().field, "MessageGroupId");
    let e = SqsQueue::new("orders", QueueConfig::fifo(), 1).unwrap_err();
    assert_eq!(e.field, "QueueName");
    // The key stands in for the group id when none is given.
    q.send(
        0,
        SendMessage {
            group_id: None,
            ..fifo_msg(1, "user-7")
        },
    )
    .unwrap();
    let d = q.receive(0, 1, None).unwrap();
    assert_eq!(d[0].group_id.as_deref(), Some("user-7"));
}

#[test]
fn fifo_group_lock_and_same_group_batches() {
    let mut q = fifo(QueueConfig::fifo());
    for (id, g) in [(1, "a"), (2, "b"), (3, "a"), (4, "a"), (5, "b")] {
        q.send(0, fifo_msg(id, g)).unwrap();
    }
    // One receive fills up from the oldest group first.
    let first = q.receive(0, 2, None).unwrap();
    assert_eq!(ids(&first), vec![1, 3]);
    // Group a is locked while 1 and 3 are in flight: only b comes.
    let second = q.receive(0, 10, None).unwrap();
    assert_eq!(ids(&second), vec![2, 5]);
    assert!(q.receive(0, 10, None).unwrap().is_empty());
    // Deleting 1 is not enough: 3 is still in flight.
    q.delete(1_000, &first[0].receipt_handle).unwrap();
    assert!(q.receive(1_000, 10, None).unwrap().is_empty());
    q.delete(1_000, &first[1].receipt_handle).unwrap();
    assert_eq!(ids(&q.receive(1_000, 10, None).unwrap()), vec![4]);
}

#[test]
fn fifo_visibility_expiry_redelivers_in_order_and_refuses_late_delete() {
    let mut q = fifo(QueueConfig {
        visibility_timeout_s: 10,
        ..QueueConfig::fifo()
    });
    for id in 1..=3 {
        q.send(0, fifo_msg(id, "g")).unwrap();
    }
    let d = q.receive(0, 1, None).unwrap();
    assert_eq!(ids(&d), vec![1]);
    let again = q.receive(10_000, 10, None).unwrap();
    assert_eq!(ids(&again), vec![1, 2, 3]);
    assert_eq!(again[0].receive_count, 2);
    let before = q.clone();
    let e = q.delete(10_000, &d[0].receipt_handle).unwrap_err();
    assert_eq!(e.field, "ReceiptHandle");
    assert_eq!(q, before);
    q.delete(19_999, &again[0].receipt_handle).unwrap();
    let e = q.delete(20_000, &again[1].receipt_handle).unwrap_err();
    assert_eq!(e.field, "ReceiptHandle");
}

#[test]
fn short_polling_can_answer_empty_long_polling_does_not() {
    let cfg = QueueConfig {
        duplicate_per_million: 0,
        ..QueueConfig::default()
    };
    let mut q = SqsQueue::new("poll", cfg, 11).unwrap();
    q.send(0, msg(1, "k")).unwrap();
    let (mut empty, mut found) = (0, 0);
    for t in 0..200u64 {
        // Visibility 0: the message stays receivable.
        let d = q.receive(t, 10, Some(0)).unwrap();
        q.advance_to(t);
        assert_eq!(q.visible_count(), 1);
        if d.is_empty() {
            empty += 1;
        } else {
            found += 1;
        }
    }
    assert!(empty > 0, "short polling never missed the message");
    assert!(found > 0, "short polling never found the message");
    assert_eq!(q.stats().empty_receives, empty);
    for t in 200..400u64 {
        let d = q
            .receive_with(
                t,
                &ReceiveRequest {
                    max_messages: 10,
                    visibility_s: Some(0),
                    wait_s: Some(1),
                },
            )
            .unwrap();
        assert_eq!(ids(&d), vec![1]);
    }
    assert_eq!(q.stats().empty_receives, empty);
    assert_eq!(
        q.receive_with(
            400,
            &ReceiveRequest {
                max_messages: 1,
                visibility_s: None,
                wait_s: Some(21)
            }
        )
        .unwrap_err()
        .field,
        "WaitTimeSeconds"
    );
}

#[test]
fn short_polling_gives_partial_answers_and_best_effort_order() {
    let cfg = QueueConfig {
        duplicate_per_million: 0,
        ..QueueConfig::default()
    };
    let mut q = SqsQueue::new("poll", cfg, 5).unwrap();
    for id in 0..8 {
        q.send(0, msg(id, "k")).unwrap();
    }
    let mut partial = false;
    let mut reordered = false;
    for t in 0..50u64 {
        let d = q.receive(t, 10, Some(0)).unwrap();
        partial |= !d.is_empty() && d.len() < 8;
        reordered |= ids(&d).windows(2).any(|w| w[0] > w[1]);
    }
    assert!(partial, "short polling always returned every message");
    assert!(reordered, "every answer was in sending order");
    // The messages are spread over the model's servers.
    assert_eq!(q.per_server().iter().sum::<u64>(), 8);
    assert!(q.per_server().iter().filter(|&&n| n > 0).count() > 1);
}

#[test]
fn max_number_of_messages_bounds() {
    let mut q = standard(30);
    for id in 0..15 {
        q.send(0, msg(id, "k")).unwrap();
    }
    let before = q.clone();
    for bad in [0, 11, u32::MAX] {
        let e = q.receive(0, bad, None).unwrap_err();
        assert_eq!(e.field, "MaxNumberOfMessages");
        assert_eq!(q, before);
    }
    assert_eq!(q.receive(0, 1, None).unwrap().len(), 1);
    assert_eq!(q.receive(0, 10, None).unwrap().len(), 10);
    assert_eq!(q.receive(0, 10, None).unwrap().len(), 4);
}

#[test]
fn message_size_limit_is_1_mib() {
    let mut q = standard(30);
    let sized = |bytes| SendMessage {
        bytes,
        ..msg(1, "k")
    };
    q.send(0, sized(MAX_MESSAGE_BYTES)).unwrap();
    assert_eq!(MAX_MESSAGE_BYTES, 1_048_576);
    let before = q.clone();
    assert_eq!(
        q.send(0, sized(MAX_MESSAGE_BYTES + 1)).unwrap_err().field,
        "MessageBody"
    );
    assert_eq!(q.send(0, sized(0)).unwrap_err().field, "MessageBody");
    assert_eq!(q, before);
    assert_eq!(q.stats().sent, 1);
}

#[test]
fn config_validation_names_the_attribute() {
    let cases: Vec<(QueueConfig, &str)> = vec![
        (
            QueueConfig {
                visibility_timeout_s: 43_201,
                ..QueueConfig::default()
            },
            "VisibilityTimeout",
        ),
        (
            QueueConfig {
                retention_s: 59,
                ..QueueConfig::default()
            },
            "MessageRetentionPeriod",
        ),
        (
            QueueConfig {
                retention_s: 1_209_601,
                ..QueueConfig::default()
            },
            "MessageRetentionPeriod",
        ),
        (
            QueueConfig {
                receive_wait_s: 21,
                ..QueueConfig::default()
            },
            "ReceiveMessageWaitTimeSeconds",
        ),
        (
            QueueConfig {
                max_receive_count: Some(0),
                ..QueueConfig::default()
            },
            "maxReceiveCount",
        ),
        (
            QueueConfig {
                max_receive_count: Some(1_001),
                ..QueueConfig::default()
            },
            "maxReceiveCount",
        ),
        (
            QueueConfig {
                content_based_dedup: true,
                ..QueueConfig::default()
            },
            "ContentBasedDeduplication",
        ),
        (
            QueueConfig {
                duplicate_per_million: 1_000_001,
                ..QueueConfig::default()
            },
            "duplicate_per_million",
        ),
    ];
    for (cfg, field) in cases {
        assert_eq!(SqsQueue::new("q", cfg, 1).unwrap_err().field, field);
    }
    for cfg in [
        QueueConfig {
            visibility_timeout_s: 43_200,
            retention_s: 60,
            receive_wait_s: 20,
            max_receive_count: Some(1),
            ..QueueConfig::default()
        },
        QueueConfig {
            retention_s: 1_209_600,
            max_receive_count: Some(1_000),
            ..QueueConfig::default()
        },
    ] {
        SqsQueue::new("q", cfg, 1).unwrap();
    }
    assert_eq!(
        SqsQueue::new("", QueueConfig::default(), 1)
            .unwrap_err()
            .field,
        "QueueName"
    );
    assert_eq!(
        SqsQueue::new("a b", QueueConfig::default(), 1)
            .unwrap_err()
            .field,
        "QueueName"
    );
}

#[test]
fn fifo_throughput_quota_per_action() {
    let mut q = fifo(QueueConfig::fifo());
    for id in 0..u64::from(FIFO_TPS_PER_ACTION) {
        q.send(5_000, fifo_msg(id, "g")).unwrap();
    }
    let before = q.clone();
    let e = q.send(5_999, fifo_msg(999, "g")).unwrap_err();
    assert_eq!(e.field, "SendMessage");
    assert_eq!(q, before);
    // Another action has its own quota; the next second starts afresh.
    q.receive(5_999, 10, None).unwrap();
    q.send(6_000, fifo_msg(999, "g")).unwrap();
    // A batch of 10 is one request: 3,000 messages in a second.
    let mut q = fifo(QueueConfig::fifo());
    let mut id = 0;
    for _ in 0..FIFO_TPS_PER_ACTION {
        let batch: Vec<SendMessage> = (0..10)
            .map(|_| {
                id += 1;
                fifo_msg(id, "g")
            })
            .collect();
        assert!(q.send_batch(0, batch).unwrap().iter().all(|r| r.is_ok()));
    }
    assert_eq!(q.stats().sent, u64::from(FIFO_BATCHED_MESSAGES_PER_S));
    assert_eq!(
        q.send_batch(0, vec![fifo_msg(0, "g")]).unwrap_err().field,
        "SendMessage"
    );
    // Standard queues are not throttled.
    let mut s = standard(30);
    for id in 0..1_000 {
        s.send(0, msg(id, "k")).unwrap();
    }
}

#[test]
fn batch_limits() {
    let mut q = standard(30);
    assert_eq!(q.send_batch(0, vec![]).unwrap_err().field, "Entries");
    assert_eq!(
        q.send_batch(0, (0..11).map(|i| msg(i, "k")).collect())
            .unwrap_err()
            .field,
        "Entries"
    );
    let big = |id| SendMessage {
        bytes: MAX_MESSAGE_BYTES / 2 + 1,
        ..msg(id, "k")
    };
    assert_eq!(
        q.send_batch(0, vec![big(1), big(2)]).unwrap_err().field,
        "Entries"
    );
    let r = q
        .send_batch(
            0,
            vec![
                msg(1, "k"),
                SendMessage {
                    bytes: 0,
                    ..msg(2, "k")
                },
            ],
        )
        .unwrap();
    assert!(r[0].is_ok());
    assert_eq!(r[1].as_ref().unwrap_err().field, "MessageBody");
    assert_eq!(q.stats().sent, 1);
}

#[test]
fn a_missed_delete_leaves_a_copy_that_is_delivered_again() {
    // Rate 1,000,000 per million: every delete misses a copy.
    let cfg = QueueConfig {
        duplicate_per_million: 1_000_000,
        receive_wait_s: 20,
        visibility_timeout_s: 30,
        ..QueueConfig::default()
    };
    let mut q = SqsQueue::new("dups", cfg, 2).unwrap();
    q.send(0, msg(1, "k")).unwrap();
    let d = q.receive(0, 1, None).unwrap();
    q.delete(5_000, &d[0].receipt_handle).unwrap();
    assert_eq!(q.stats().stale_copies, 1);
    assert_eq!(q.readable(), 1);
    let kept = q.events().find_map(|e| match e {
        SqsEvent::StaleCopyKept {
            visible_at, server, ..
        } => Some((*visible_at, *server)),
        _ => None,
    });
    // It surfaces when the deleted receipt's timeout would have ended, elsewhere.
    let (visible_at, server) = kept.unwrap();
    assert_eq!(visible_at, 30_000);
    let original = q.events().find_map(|e| match e {
        SqsEvent::Sent { server, .. } => Some(*server),
        _ => None,
    });
    assert_ne!(Some(server), original);
    assert!(server < MODEL_SERVERS);
    assert!(q.receive(29_999, 10, None).unwrap().is_empty());
    let again = q.receive(30_000, 10, None).unwrap();
    assert_eq!(ids(&again), vec![1]);
    assert!(again[0].stale_copy);
    // Rate 0: never.
    let mut q = standard(30);
    for id in 0..200 {
        q.send(0, msg(id, "k")).unwrap();
    }
    while let Ok(ds) = q.receive(0, 10, None) {
        if ds.is_empty() {
            break;
        }
        for d in ds {
            q.delete(0, &d.receipt_handle).unwrap();
        }
    }
    assert_eq!(
        (q.readable(), q.stats().stale_copies, q.stats().deleted),
        (0, 0, 200)
    );
}

#[test]
fn unknown_receipt_handles_are_refused() {
    let mut q = standard(30);
    q.send(0, msg(1, "k")).unwrap();
    let before = q.clone();
    for h in [
        "",
        "garbage",
        "orders/0/1",
        "other/0/0",
        "orders/99/1",
        "orders/0/0",
    ] {
        assert_eq!(q.delete(0, h).unwrap_err().field, "ReceiptHandle", "{h}");
        assert_eq!(q, before);
    }
}

/// A scripted mixed run, to compare logs.
fn scripted_run(seed: u64) -> Vec<SqsEvent> {
    let cfg = QueueConfig {
        duplicate_per_million: 200_000,
        visibility_timeout_s: 5,
        max_receive_count: Some(4),
        ..QueueConfig::default()
    };
    let mut q = SqsQueue::new("det", cfg, seed).unwrap();
    let mut t = 0;
    for round in 0..60u64 {
        t += 700;
        q.send(t, msg(round, "k")).unwrap();
        let ds = q.receive(t, 3, None).unwrap();
        for (i, d) in ds.iter().enumerate() {
            if (round + i as u64) % 3 != 0 {
                q.delete(t + 100, &d.receipt_handle).unwrap();
            }
        }
    }
    q.advance_to(t + 60_000);
    q.take_events()
}

#[test]
fn same_seed_same_log_other_seeds_differ() {
    let a = scripted_run(42);
    assert!(a.len() > 100);
    assert_eq!(a, scripted_run(42));
    assert!((0..5).any(|s| scripted_run(s) != a));
}

// ---- properties -----------------------------------------------------------

#[derive(Clone, Debug)]
enum FifoOp {
    Send { group: u8 },
    Receive { max: u32, visibility_s: u32 },
    Delete { pick: usize },
    Advance { ms: u64 },
}

fn fifo_op() -> impl Strategy<Value = FifoOp> {
    prop_oneof![
        3 => (0u8..4).prop_map(|group| FifoOp::Send { group }),
        3 => (1u32..=10, 0u32..=4).prop_map(|(max, visibility_s)| FifoOp::Receive { max, visibility_s }),
        2 => any::<usize>().prop_map(|pick| FifoOp::Delete { pick }),
        2 => (0u64..6_000).prop_map(|ms| FifoOp::Advance { ms }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// FIFO never reorders within a group: when a message is delivered,
    /// every earlier message of its group that is not yet deleted comes
    /// before it in the same answer, and first deliveries follow send order.
    #[test]
    fn fifo_never_reorders_within_a_group(ops in proptest::collection::vec(fifo_op(), 1..160), seed in any::<u64>()) {
        let mut q = SqsQueue::new("p.fifo", QueueConfig::fifo(), seed).unwrap();
        let mut now = 0u64;
        let mut next_id = 0u64;
        let mut sent: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        let mut group_of: BTreeMap<u64, String> = BTreeMap::new();
        let mut deleted: BTreeSet<u64> = BTreeSet::new();
        let mut first_seen: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        let mut handles: Vec<(u64, String)> = Vec::new();
        for op in ops {
            match op {
                FifoOp::Send { group } => {
                    let g = format!("g{group}");
                    q.send(now, fifo_msg(next_id, &g)).unwrap();
                    sent.entry(g.clone()).or_default().push(next_id);
                    group_of.insert(next_id, g);
                    next_id += 1;
                }
                FifoOp::Receive { max, visibility_s } => {
                    let ds = q.receive(now, max, Some(visibility_s)).unwrap();
                    prop_assert!(ds.len() <= max as usize);
                    let mut earlier_in_answer: BTreeSet<u64> = BTreeSet::new();
                    for d in &ds {
                        let g = &group_of[&d.id];
                        prop_assert_eq!(d.group_id.as_deref(), Some(g.as_str()));
                        for &e in sent[g].iter().take_while(|&&e| e != d.id) {
                            prop_assert!(deleted.contains(&e) || earlier_in_answer.contains(&e),
                                "message {} of {} delivered while earlier {} is still in the queue", d.id, g, e);
                        }
                        earlier_in_answer.insert(d.id);
                        let seen = first_seen.entry(g.clone()).or_default();
                        if !seen.contains(&d.id) {
                            seen.push(d.id);
                        }
                        handles.push((d.id, d.receipt_handle.clone()));
                    }
                }
                FifoOp::Delete { pick } => {
                    if !handles.is_empty() {
                        let (id, h) = handles[pick % handles.len()].clone();
                        if q.delete(now, &h).is_ok() {
                            deleted.insert(id);
                        }
                    }
                }
                FifoOp::Advance { ms } => {
                    now += ms;
                    q.advance_to(now);
                }
            }
        }
        for (g, seen) in &first_seen {
            let expected: Vec<u64> = sent[g].iter().copied().take(seen.len()).collect();
            prop_assert_eq!(seen, &expected);
        }
        prop_assert!(q.index_is_consistent());
        // Nothing lost: what was not deleted is still in the queue.
        prop_assert_eq!(q.readable() as usize, next_id as usize - deleted.len());
    }

    /// A standard queue with a long visibility timeout where every received
    /// message is deleted never loses a message; without duplicates, every
    /// message is delivered exactly once.
    #[test]
    fn standard_with_deletes_never_loses_a_message(
        ops in proptest::collection::vec((0u8..3, 1u32..=10, 0u64..3_000), 1..150),
        duplicate_per_million in prop_oneof![Just(0u32), 0u32..=400_000],
        seed in any::<u64>(),
    ) {
        let cfg = QueueConfig { visibility_timeout_s: 43_200, retention_s: RETENTION_MAX_S, duplicate_per_million, ..QueueConfig::default() };
        let mut q = SqsQueue::new("p", cfg, seed).unwrap();
        let mut now = 0u64;
        let mut sent = 0u64;
        let mut delivered: BTreeMap<u64, u32> = BTreeMap::new();
        let mut take = |q: &mut SqsQueue, now: u64, ds: Vec<Delivery>| {
            for d in ds {
                *delivered.entry(d.id).or_default() += 1;
                q.delete(now, &d.receipt_handle).unwrap();
            }
        };
        for (kind, max, dt) in ops {
            now += dt;
            match kind {
                0 => { q.send(now, msg(sent, "k")).unwrap(); sent += 1; }
                1 => { let ds = q.receive(now, max, None).unwrap(); take(&mut q, now, ds); }
                _ => {
                    let ds = q.receive_with(now, &ReceiveRequest { max_messages: max, visibility_s: None, wait_s: Some(20) }).unwrap();
                    take(&mut q, now, ds);
                }
            }
        }
        // Drain: long polls, waiting for hidden copies to surface.
        let mut rounds = 0;
        while q.readable() > 0 && rounds < 100_000 {
            rounds += 1;
            let ds = q.receive_with(now, &ReceiveRequest { max_messages: 10, visibility_s: None, wait_s: Some(20) }).unwrap();
            if ds.is_empty() {
                now = q.next_visible_at().unwrap_or(now + 1_000).max(now);
            }
            take(&mut q, now, ds);
        }
        prop_assert_eq!(q.readable(), 0);
        for id in 0..sent {
            prop_assert!(delivered.get(&id).copied().unwrap_or(0) >= 1, "message {} lost", id);
        }
        if duplicate_per_million == 0 {
            prop_assert!(delivered.values().all(|&n| n == 1));
            prop_assert_eq!(q.stats().deleted, sent);
        }
        prop_assert_eq!(q.stats().expired, 0);
    }
}

#[derive(Clone, Debug)]
enum AnyOp {
    Send {
        id: u64,
        key: String,
        bytes: u32,
        group: Option<String>,
        dedup: Option<String>,
        delay: Option<u32>,
    },
    Batch {
        n: usize,
        bytes: u32,
    },
    Receive {
        max: u32,
        visibility: Option<u32>,
        wait: Option<u32>,
    },
    Delete {
        handle: Handle,
    },
    Change {
        handle: Handle,
        timeout: u32,
    },
    SetDelay {
        s: u32,
    },
    Advance {
        ms: u64,
    },
}

#[derive(Clone, Debug)]
enum Handle {
    Held(usize),
    Raw(String),
}

fn any_op() -> impl Strategy<Value = AnyOp> {
    let text = prop_oneof![
        Just(String::new()),
        "[a-z]{1,4}",
        "[ -~]{0,6}",
        Just("x".repeat(129)),
        "\\PC{0,4}"
    ];
    let handle = prop_oneof![
        any::<usize>().prop_map(Handle::Held),
        "[a-z./0-9]{0,14}".prop_map(Handle::Raw)
    ];
    prop_oneof![
        (
            0u64..50,
            text.clone(),
            prop_oneof![
                0u32..=2_000,
                Just(MAX_MESSAGE_BYTES),
                Just(MAX_MESSAGE_BYTES + 1),
                any::<u32>()
            ],
            proptest::option::of(text.clone()),
            proptest::option::of(text),
            proptest::option::of(0u32..=1_000)
        )
            .prop_map(|(id, key, bytes, group, dedup, delay)| AnyOp::Send {
                id,
                key,
                bytes,
                group,
                dedup,
                delay
            }),
        (
            0usize..=12,
            prop_oneof![1u32..=500, Just(0u32), Just(200_000u32)]
        )
            .prop_map(|(n, bytes)| AnyOp::Batch { n, bytes }),
        (
            0u32..=12,
            proptest::option::of(prop_oneof![0u32..=60, 43_190u32..=43_210]),
            proptest::option::of(0u32..=22)
        )
            .prop_map(|(max, visibility, wait)| AnyOp::Receive {
                max,
                visibility,
                wait
            }),
        handle.clone().prop_map(|handle| AnyOp::Delete { handle }),
        (handle, prop_oneof![0u32..=60, 43_190u32..=43_210])
            .prop_map(|(handle, timeout)| AnyOp::Change { handle, timeout }),
        (0u32..=1_000).prop_map(|s| AnyOp::SetDelay { s }),
        prop_oneof![0u64..5_000, 0u64..100_000_000].prop_map(|ms| AnyOp::Advance { ms }),
    ]
}

fn any_config() -> impl Strategy<Value = QueueConfig> {
    (
        any::<bool>(),
        0u32..=120,
        prop_oneof![Just(60u32), Just(345_600u32)],
        0u32..=20,
        proptest::option::of(1u32..=4),
        any::<bool>(),
        0u32..=500_000,
    )
        .prop_map(
            |(is_fifo, vis, retention_s, wait, mrc, cbd, dup)| QueueConfig {
                kind: if is_fifo {
                    QueueKind::Fifo
                } else {
                    QueueKind::Standard
                },
                visibility_timeout_s: vis,
                retention_s,
                receive_wait_s: wait,
                max_receive_count: mrc,
                content_based_dedup: cbd && is_fifo,
                duplicate_per_million: dup,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Any sequence of requests, valid or not: nothing panics, a refused
    /// request changes nothing, the counts add up.
    #[test]
    fn refused_requests_change_nothing(cfg in any_config(), ops in proptest::collection::vec(any_op(), 1..120), seed in any::<u64>()) {
        let name = if cfg.kind == QueueKind::Fifo { "any.fifo" } else { "any" };
        let mut q = SqsQueue::new(name, cfg, seed).unwrap();
        let mut now = 0u64;
        let mut held: Vec<String> = Vec::new();
        for op in ops {
            let before = q.clone();
            let refused = match op {
                AnyOp::Send { id, key, bytes, group, dedup, delay } => {
                    q.send_delayed(now, SendMessage { id, key, bytes, group_id: group, dedup_id: dedup }, delay).err()
                }
                AnyOp::Batch { n, bytes } => {
                    let entries = (0..n as u64).map(|i| SendMessage { id: i, key: format!("k{i}"), bytes, group_id: None, dedup_id: Some(format!("b{now}-{i}")) }).collect();
                    q.send_batch(now, entries).err()
                }
                AnyOp::Receive { max, visibility, wait } => {
                    match q.receive_with(now, &ReceiveRequest { max_messages: max, visibility_s: visibility, wait_s: wait }) {
                        Ok(ds) => {
                            prop_assert!(ds.len() <= max as usize);
                            held.extend(ds.into_iter().map(|d| d.receipt_handle));
                            None
                        }
                        Err(e) => Some(e),
                    }
                }
                AnyOp::Delete { handle } => {
                    let h = match handle { Handle::Held(i) if !held.is_empty() => held[i % held.len()].clone(), Handle::Held(_) => String::new(), Handle::Raw(s) => s };
                    q.delete(now, &h).err()
                }
                AnyOp::Change { handle, timeout } => {
                    let h = match handle { Handle::Held(i) if !held.is_empty() => held[i % held.len()].clone(), Handle::Held(_) => String::new(), Handle::Raw(s) => s };
                    q.change_visibility(now, &h, timeout).err()
                }
                AnyOp::SetDelay { s } => q.set_delay_seconds(s).err(),
                AnyOp::Advance { ms } => { now += ms; q.advance_to(now); None }
            };
            if let Some(e) = refused {
                prop_assert!(!e.field.is_empty() && !e.message.is_empty());
                prop_assert_eq!(&q, &before, "refused request ({}) changed the queue", e);
            }
            let s = q.stats();
            // Every stored message was sent (or is a kept copy); every one left by one door.
            prop_assert_eq!(
                s.sent + s.stale_copies,
                q.readable() + s.deleted + s.dead_lettered + s.expired
            );
            prop_assert_eq!(s.dead_lettered, s.dlq_len + s.dlq_expired);
            prop_assert!(q.index_is_consistent());
            let times: Vec<u64> = q.events().map(at).collect();
            prop_assert!(times.windows(2).all(|w| w[0] <= w[1]), "events out of time order");
            if let Some(d) = q.next_deadline() {
                prop_assert!(d >= q.now(), "a deadline in the past: {} < {}", d, q.now());
            }
        }
    }

    /// Same seed and same requests: the same event log.
    #[test]
    fn same_seed_same_events(cfg in any_config(), ops in proptest::collection::vec(any_op(), 1..60), seed in any::<u64>()) {
        let name = if cfg.kind == QueueKind::Fifo { "det.fifo" } else { "det" };
        let run = || {
            let mut q = SqsQueue::new(name, cfg.clone(), seed).unwrap();
            let mut now = 0u64;
            let mut held: Vec<String> = Vec::new();
            for op in ops.clone() {
                match op {
                    AnyOp::Send { id, key, bytes, group, dedup, delay } => { let _ = q.send_delayed(now, SendMessage { id, key, bytes, group_id: group, dedup_id: dedup }, delay); }
                    AnyOp::Receive { max, visibility, wait } => {
                        if let Ok(ds) = q.receive_with(now, &ReceiveRequest { max_messages: max, visibility_s: visibility, wait_s: wait }) {
                            held.extend(ds.into_iter().map(|d| d.receipt_handle));
                        }
                    }
                    AnyOp::Delete { handle: Handle::Held(i) } if !held.is_empty() => { let _ = q.delete(now, &held[i % held.len()].clone()); }
                    AnyOp::Advance { ms } => { now += ms; q.advance_to(now); }
                    _ => {}
                }
            }
            q.take_events()
        };
        prop_assert_eq!(run(), run());
    }
}
