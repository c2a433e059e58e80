//! Parametric quiz items: parameters are drawn from the quiz's RNG, and every
//! answer is computed by the engine ([`Calc`], [`route`]).

use super::{Calc, Item, ItemKind, LessonLink, Topic};
use crate::hash::{even_ranges, route, ShardId};
use crate::lesson::Text;
use crate::rng::ComponentRng;
use crate::stream::capacity::ReadMode;
use rand::Rng;

fn text(en: String, vi: String) -> Text {
    Text { en, vi }
}

/// One generated item of difficulty `level` (1–3); `n` makes its id unique.
pub fn generate(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    match rng.random_range(0..16) {
        12 => kafka_idle_members(rng, level, n),
        13 => kafka_most_partitions(rng, level, n),
        14 => kafka_keys_moved(rng, level, n),
        15 => sqs_dead_letter(rng, level, n),
        0 => shards_for_workload(rng, level, n),
        1 => shard_from_hash_key(rng, level, n),
        2 => get_records_budget(rng, level, n),
        3 => kcl_idle_workers(rng, level, n),
        4 => kcl_redelivered(rng, level, n),
        5 => polling_apps(rng, level, n),
        6 => firehose_objects(rng, level, n),
        7 => firehose_first_object(rng, level, n),
        8 => sql_tumbling_rows(rng, level, n),
        9 => sql_sliding_count(rng, level, n),
        10 => sql_stagger_rows(rng, level, n),
        _ => kpl_kinesis_records(rng, level, n),
    }
}

/// Steady Firehose traffic and buffering hints for a generated item: at
/// most 10 KB/s, so an hour of it runs quickly when the quiz is graded.
fn firehose_traffic(rng: &mut ComponentRng, level: u8) -> (u32, u32, u32, u32) {
    // Few, larger records: the engine's work grows with the record count.
    let rate = [1u32, 2, 5][rng.random_range(0..3)];
    let bytes = [500u32, 1000, 2000][rng.random_range(0..3)];
    let mib = if level >= 3 {
        rng.random_range(1..=2u32)
    } else {
        1
    };
    let interval = match level {
        1 => [60u32, 300, 900][rng.random_range(0..3)],
        _ => [60u32, 120, 300, 600, 900][rng.random_range(0..5)],
    };
    (rate, bytes, mib, interval)
}

/// What the engine's first delivery says, for an explanation.
fn firehose_first_text(rate: u32, bytes: u32, mib: u32, interval: u32) -> (String, String) {
    let first =
        crate::lesson::firehose::steady_deliveries(rate, bytes, mib, interval, interval + 1)
            .and_then(|d| d.into_iter().next());
    match first {
        Some(d) if d.reason == crate::firehose::buffer::FlushReason::Size => (
            format!("Here the buffer reaches {mib} MiB first: the simulated delivery stream writes its first object after {} s, by Size, with {} records.", d.after_ms / 1000, d.records),
            format!("Ở đây bộ đệm chạm {mib} MiB trước: delivery stream mô phỏng ghi object đầu tiên sau {} giây, vì Size, với {} record.", d.after_ms / 1000, d.records),
        ),
        Some(d) => (
            format!("Here the interval comes first: the simulated delivery stream writes its first object after {} s, by Time, with {} records.", d.after_ms / 1000, d.records),
            format!("Ở đây interval tới trước: delivery stream mô phỏng ghi object đầu tiên sau {} giây, vì Time, với {} record.", d.after_ms / 1000, d.records),
        ),
        None => (String::new(), String::new()),
    }
}

/// How many S3 objects an hour of steady traffic makes.
fn firehose_objects(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let (rate, bytes, mib, interval) = firehose_traffic(rng, level);
    let (first_en, first_vi) = firehose_first_text(rate, bytes, mib, interval);
    numeric(
        format!("gen-firehose-objects-{n}"),
        Topic::Firehose,
        level,
        text(
            format!("A Firehose delivery stream writes to S3 with buffering hints of {mib} MiB and {interval} s. A producer sends {rate} record{} a second of {bytes} bytes each (one PutRecordBatch a second), for one hour. How many S3 objects does Firehose write during that hour?", if rate == 1 { "" } else { "s" }),
            format!("Một delivery stream Firehose ghi vào S3 với buffering hint {mib} MiB và {interval} giây. Một producer gửi {rate} record mỗi giây, mỗi record {bytes} byte (mỗi giây một lệnh PutRecordBatch), trong một giờ. Trong giờ đó Firehose ghi bao nhiêu object vào S3?"),
        ),
        Calc::FirehoseObjects {
            records_per_second: rate,
            record_bytes: bytes,
            buffer_mib: mib,
            interval_s: interval,
            seconds: 3600,
        },
        text("objects".into(), "object".into()),
        text(
            format!("An object is written when the buffer reaches the size hint or when its oldest record has waited the interval, whichever comes first; then the buffer starts over with the next record. {first_en} The answer is counted by running the delivery stream for the hour; what is still in the buffer at the end is not an object yet."),
            format!("Một object được ghi khi bộ đệm đạt size hint hoặc khi record cũ nhất đã chờ hết interval, cái nào tới trước; sau đó bộ đệm bắt đầu lại với record kế tiếp. {first_vi} Đáp án được đếm bằng cách chạy delivery stream trong một giờ; những gì còn trong bộ đệm lúc kết thúc thì chưa thành object."),
        ),
        link("firehose-buffering", 1),
    )
}

/// The size of the first object, or how long until it is written.
fn firehose_first_object(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let (rate, bytes, mib, interval) = firehose_traffic(rng, level);
    let (first_en, first_vi) = firehose_first_text(rate, bytes, mib, interval);
    let explanation = text(
        format!("The buffer delivers at whichever hint comes first: {mib} MiB, or {interval} s after its oldest record arrived. {first_en} Without compression the object holds exactly the bytes of its records."),
        format!("Bộ đệm chuyển dữ liệu theo ngưỡng nào tới trước: {mib} MiB, hoặc {interval} giây sau khi record cũ nhất tới. {first_vi} Khi không nén, object chứa đúng số byte của các record."),
    );
    let prompt_head_en = format!("A Firehose delivery stream writes to S3, uncompressed, with buffering hints of {mib} MiB and {interval} s. A producer starts sending {rate} record{} a second of {bytes} bytes each (one PutRecordBatch a second).", if rate == 1 { "" } else { "s" });
    let prompt_head_vi = format!("Một delivery stream Firehose ghi vào S3, không nén, với buffering hint {mib} MiB và {interval} giây. Một producer bắt đầu gửi {rate} record mỗi giây, mỗi record {bytes} byte (mỗi giây một lệnh PutRecordBatch).");
    let (prompt, answer, unit, tolerance) = if rng.random_bool(0.5) {
        (
            text(
                format!("{prompt_head_en} How large is the first S3 object, in KiB?"),
                format!("{prompt_head_vi} Object S3 đầu tiên lớn bao nhiêu KiB?"),
            ),
            Calc::FirehoseFirstObjectKib {
                records_per_second: rate,
                record_bytes: bytes,
                buffer_mib: mib,
                interval_s: interval,
            },
            text("KiB".into(), "KiB".into()),
            0.5,
        )
    } else {
        (
            text(
                format!("{prompt_head_en} How many seconds after the first record is the first S3 object written?"),
                format!("{prompt_head_vi} Object S3 đầu tiên được ghi sau record đầu tiên bao nhiêu giây?"),
            ),
            Calc::FirehoseFirstDeliverySeconds {
                records_per_second: rate,
                record_bytes: bytes,
                buffer_mib: mib,
                interval_s: interval,
            },
            text("seconds".into(), "giây".into()),
            0.0,
        )
    };
    Item {
        id: format!("gen-firehose-first-{n}"),
        topic: Topic::Firehose,
        difficulty: level,
        prompt,
        kind: ItemKind::Numeric {
            answer,
            tolerance,
            unit: Some(unit),
        },
        explanation,
        lesson: link("firehose-buffering", 1),
        source: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn numeric(
    id: String,
    topic: Topic,
    level: u8,
    prompt: Text,
    answer: Calc,
    unit: Text,
    explanation: Text,
    lesson: Option<LessonLink>,
) -> Item {
    Item {
        id,
        topic,
        difficulty: level,
        prompt,
        kind: ItemKind::Numeric {
            answer,
            tolerance: 0.0,
            unit: Some(unit),
        },
        explanation,
        lesson,
        source: None,
    }
}

fn link(lesson: &str, step: usize) -> Option<LessonLink> {
    Some(LessonLink {
        lesson: lesson.into(),
        step,
    })
}

/// With W workers on S shards, how many KCL workers sit idle?
fn kcl_idle_workers(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let shards = rng.random_range(2..=8u32);
    // Level 1 always has spare workers; higher levels may have too few.
    let workers = if level == 1 {
        shards + rng.random_range(1..=4u32)
    } else {
        rng.random_range(1..=shards + 4).min(12)
    };
    numeric(
        format!("gen-kcl-idle-{n}"),
        Topic::Consumers,
        level,
        text(
            format!("A KCL application runs {workers} workers against a stream of {shards} shards. Once the workers have shared out the leases, how many workers hold no lease at all?"),
            format!("Một ứng dụng KCL chạy {workers} worker trên một stream có {shards} shard. Sau khi các worker đã chia xong lease, có bao nhiêu worker không giữ lease nào?"),
        ),
        Calc::KclIdleWorkers { shards, workers },
        text("workers".into(), "worker".into()),
        text(
            "Each shard has one lease, and a lease is held by one worker at a time, so at most as many workers as shards have work; the others wait idle, ready to take over when a worker fails.".into(),
            "Mỗi shard có một lease, và mỗi lease chỉ do một worker giữ tại một thời điểm, nên số worker có việc tối đa bằng số shard; các worker còn lại ngồi chờ, sẵn sàng nhận việc khi có worker gặp sự cố.".into(),
        ),
        link("kcl", 1),
    )
}

/// Records processed again after a crash, given the checkpoint interval.
fn kcl_redelivered(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let rate = [10u32, 20, 25, 40, 50][rng.random_range(0..5)];
    let every = rng.random_range(5..=30u32);
    let after = rng.random_range(1..every);
    let en_every = if level == 1 {
        String::new()
    } else {
        format!(", and it checkpoints every {every} s")
    };
    let vi_every = if level == 1 {
        String::new()
    } else {
        format!(", và checkpoint sau mỗi {every} giây")
    };
    numeric(
        format!("gen-kcl-redelivered-{n}"),
        Topic::Consumers,
        level,
        text(
            format!("A shard receives {rate} records per second, evenly. Its KCL record processor reads once a second{en_every}. The worker crashes {after} s after its last checkpoint, having processed every record that arrived until then. Another worker takes the lease over. How many records are processed a second time?"),
            format!("Một shard nhận đều {rate} record mỗi giây. Record processor KCL của nó đọc mỗi giây một lần{vi_every}. Worker bị sập {after} giây sau lần checkpoint cuối, khi đã xử lý mọi record đến trước thời điểm đó. Một worker khác nhận lại lease. Có bao nhiêu record bị xử lý lần thứ hai?"),
        ),
        Calc::KclRedelivered {
            records_per_second: rate,
            checkpoint_seconds: every,
            crash_after_seconds: after,
        },
        text("records".into(), "record".into()),
        text(
            "The new owner starts right after the lease's checkpoint, so everything processed since that checkpoint comes again: the shard's rate times the seconds since the checkpoint. The lab's KCL computes it by running the crash.".into(),
            "Chủ mới bắt đầu ngay sau checkpoint của lease, nên mọi record đã xử lý kể từ checkpoint đó sẽ đến lần nữa: tốc độ của shard nhân với số giây kể từ checkpoint. KCL của lab tính ra con số này bằng cách chạy đúng tình huống sập đó.".into(),
        ),
        link("kcl", 4),
    )
}

/// How many polling applications fit a shard's 5 GetRecords calls/s.
fn polling_apps(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let interval = match level {
        1 => 1000u64,
        2 => [1000u64, 2000, 500][rng.random_range(0..3)],
        _ => [200u64, 400, 600, 800, 1500, 2500][rng.random_range(0..6)],
    };
    numeric(
        format!("gen-polling-apps-{n}"),
        Topic::Consumers,
        level,
        text(
            format!("Several applications read the same shard with shared-throughput GetRecords calls, each calling once every {interval} ms. Ignoring data volume, at most how many applications can poll that shard without being throttled?"),
            format!("Nhiều ứng dụng cùng đọc một shard bằng GetRecords kiểu dùng chung thông lượng, mỗi ứng dụng gọi một lần sau mỗi {interval} ms. Tạm bỏ qua lượng dữ liệu, tối đa bao nhiêu ứng dụng có thể poll shard đó mà không bị throttle?"),
        ),
        Calc::PollingAppsPerShard { poll_interval_ms: interval },
        text("applications".into(), "ứng dụng".into()),
        text(
            "A shard serves 5 GetRecords calls per second to all its shared-throughput readers together. An application polling every T ms makes 1000/T calls a second, so 5 × T / 1000 applications fit (rounded down). Enhanced fan-out consumers are not counted: they are pushed to.".into(),
            "Mỗi shard phục vụ tổng cộng 5 lệnh GetRecords mỗi giây cho mọi bên đọc dùng chung. Ứng dụng poll mỗi T ms thì gọi 1000/T lần mỗi giây, nên vừa được 5 × T / 1000 ứng dụng (làm tròn xuống). Consumer enhanced fan-out không tính vào đây: chúng được đẩy dữ liệu tới.".into(),
        ),
        link("consumer-types", 1),
    )
}

/// Kinesis records per second after KPL aggregation.
fn kpl_kinesis_records(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let users = rng.random_range(2..=40u64) * 500;
    let bytes = match level {
        1 => 100u32,
        _ => [50u32, 100, 200, 500, 1000][rng.random_range(0..5)],
    };
    numeric(
        format!("gen-kpl-kinesis-{n}"),
        Topic::Producers,
        level,
        text(
            format!("An application adds {users} user records per second to the KPL, each with {bytes} bytes of data and its own 10-character partition key, all bound for one shard. If the KPL fills every aggregated record up to the default AggregationMaxSize (51,200 bytes), at least how many Kinesis records per second does the shard receive?"),
            format!("Một ứng dụng đưa vào KPL {users} user record mỗi giây, mỗi record {bytes} byte dữ liệu với partition key riêng dài 10 ký tự, tất cả cùng đi tới một shard. Nếu KPL lấp đầy mỗi record gộp tới AggregationMaxSize mặc định (51.200 byte), thì shard nhận ít nhất bao nhiêu Kinesis record mỗi giây?"),
        ),
        Calc::KplKinesisRecordsPerSecond {
            user_records_per_second: users,
            record_bytes: bytes,
            key_chars: 10,
        },
        text("Kinesis records/s".into(), "Kinesis record/giây".into()),
        text(
            "Each user record in an aggregated record costs its data, its key in the key table and a few bytes of protobuf framing; the lab's encoder packs them until the next one would pass 51,200 bytes. Divide the user records per second by how many fit, rounding up. That is far below the shard's 1,000 records/s; the 1 MiB/s byte limit is what remains.".into(),
            "Mỗi user record trong record gộp tốn phần dữ liệu của nó, key trong bảng key và vài byte khung protobuf; bộ mã hoá của lab đóng gói cho tới khi record tiếp theo sẽ làm vượt 51.200 byte. Lấy số user record mỗi giây chia cho số record vừa một gói, làm tròn lên. Con số đó thấp hơn nhiều so với 1.000 record/giây của shard; giới hạn còn lại là 1 MiB/s về byte.".into(),
        ),
        link("producers", 2),
    )
}

fn shards_for_workload(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let mib = rng.random_range(1..=12u32) as f64 + if level >= 2 { 0.5 } else { 0.0 };
    let records = if level >= 2 {
        rng.random_range(1..=9u64) * 1000 + 500
    } else {
        0
    };
    let (consumers, mode) = if level >= 3 {
        let c = rng.random_range(2..=6u32);
        (
            c,
            if rng.random_bool(0.5) {
                ReadMode::Shared
            } else {
                ReadMode::EnhancedFanOut
            },
        )
    } else {
        (1, ReadMode::Shared)
    };
    let answer = Calc::ShardsNeeded {
        write_mib_per_second: mib,
        records_per_second: records,
        consumers,
        read_mode: mode,
    };
    let mib_s = if mib.fract() == 0.0 {
        format!("{mib:.0}")
    } else {
        format!("{mib:.1}")
    };
    let mut en = format!("Producers write {mib_s} MiB/s");
    let mut vi = format!("Producer ghi {} MiB/s", mib_s.replace('.', ","));
    if records > 0 {
        en.push_str(&format!(" in {records} records/s"));
        vi.push_str(&format!(" với {records} record/s"));
    }
    if consumers > 1 {
        let (m_en, m_vi) = match mode {
            ReadMode::Shared => (
                "shared-throughput (GetRecords) consumers",
                "consumer dùng chung thông lượng (GetRecords)",
            ),
            ReadMode::EnhancedFanOut => ("enhanced fan-out consumers", "consumer enhanced fan-out"),
        };
        en.push_str(&format!(", read in full by {consumers} {m_en}"));
        vi.push_str(&format!(", và {consumers} {m_vi} cùng đọc toàn bộ dữ liệu"));
    }
    en.push_str(". What is the smallest number of shards the stream needs?");
    vi.push_str(". Stream cần ít nhất bao nhiêu shard?");
    let explanation = text(
        "Each shard takes 1 MiB/s and 1,000 records/s of writes. Shared-throughput readers split 2 MiB/s per shard between them; each enhanced fan-out consumer gets its own 2 MiB/s per shard. The answer is the largest of the shard counts these limits require.".into(),
        "Mỗi shard nhận ghi tối đa 1 MiB/s và 1.000 record/s. Các consumer đọc kiểu dùng chung chia nhau 2 MiB/s mỗi shard; còn mỗi consumer enhanced fan-out có riêng 2 MiB/s mỗi shard. Đáp án là số shard lớn nhất mà các giới hạn này đòi hỏi.".into(),
    );
    Item {
        id: format!("gen-shards-{n}"),
        topic: Topic::Shards,
        difficulty: level,
        prompt: text(en, vi),
        kind: ItemKind::Numeric {
            answer,
            tolerance: 0.0,
            unit: Some(text("shards".into(), "shard".into())),
        },
        explanation,
        lesson: None,
        source: None,
    }
}

fn shard_from_hash_key(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let shards: u32 = match level {
        1 => 2,
        2 => [4, 5][rng.random_range(0..2)],
        _ => [3, 6, 7][rng.random_range(0..3)],
    };
    let key = format!("user-{}", rng.random_range(1..=99_999u32));
    // The engine routes it; valid by construction (1..=256 characters, n >= 1).
    let ranges = even_ranges(shards).unwrap_or_default();
    let routed = route(&key, None, &ranges).ok();
    let (hash, answer) = routed
        .map(|r| (r.hash_key.to_string(), r.shard_index))
        .unwrap_or_default();
    let options: Vec<Text> = (0..shards)
        .map(|i| {
            let id = ShardId(i).to_string();
            text(id.clone(), id)
        })
        .collect();
    Item {
        id: format!("gen-route-{n}"),
        topic: Topic::Partitioning,
        difficulty: level,
        prompt: text(
            format!("The MD5 of partition key `{key}`, read as a 128-bit number, is {hash}. The stream has {shards} shards with evenly split hash-key ranges. Which shard gets the record?"),
            format!("MD5 của partition key `{key}`, đọc thành số 128 bit, là {hash}. Stream có {shards} shard chia đều dải hash key. Record sẽ vào shard nào?"),
        ),
        kind: ItemKind::Single { options, answer },
        explanation: text(
            format!("With {shards} even shards each range is 2^128 / {shards} wide (rounded down); the shard is the hash key divided by that width, and the last shard also takes the remainder."),
            format!("Với {shards} shard chia đều, mỗi dải rộng 2^128 / {shards} (làm tròn xuống); lấy hash key chia cho độ rộng đó là ra shard, và shard cuối nhận thêm phần dư."),
        ),
        lesson: Some(LessonLink { lesson: "partition-key-ordering".into(), step: 1 }),
        source: None,
    }
}

fn get_records_budget(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let shards = if level == 1 {
        1
    } else {
        rng.random_range(2..=8u64)
    };
    let seconds = rng.random_range(2..=30u64);
    let (en_shards, vi_shards) = if shards == 1 {
        ("one shard".to_owned(), "một shard".to_owned())
    } else {
        (format!("{shards} shards"), format!("{shards} shard"))
    };
    Item {
        id: format!("gen-getrecords-{n}"),
        topic: Topic::Consumers,
        difficulty: level,
        prompt: text(
            format!("Shared-throughput consumers poll a stream of {en_shards} with GetRecords. At most how many GetRecords calls can succeed, across all consumers, in {seconds} seconds?"),
            format!("Các consumer dùng chung thông lượng gọi GetRecords trên stream có {vi_shards}. Trong {seconds} giây, tổng cộng tối đa bao nhiêu lệnh GetRecords thành công?"),
        ),
        kind: ItemKind::Numeric {
            answer: Calc::GetRecordsCalls { shards, seconds },
            tolerance: 0.0,
            unit: Some(text("calls".into(), "lệnh gọi".into())),
        },
        explanation: text(
            "Each shard allows 5 GetRecords calls per second, shared by every shared-throughput reader of that shard.".into(),
            "Mỗi shard cho phép 5 lệnh GetRecords mỗi giây, dùng chung cho mọi consumer đọc kiểu chia sẻ trên shard đó.".into(),
        ),
        lesson: None,
        source: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::Response;
    use super::*;
    use crate::rng::component_rng;

    #[test]
    fn generated_items_are_valid_and_answerable() {
        let mut rng = component_rng(5, "t");
        for level in 1..=3 {
            for n in 0..60 {
                let item = generate(&mut rng, level, n);
                assert!(
                    item.validate().is_empty(),
                    "{:?}: {:?}",
                    item.id,
                    item.validate()
                );
                assert_eq!(item.difficulty, level);
                // The right answer, computed independently of the item, grades right.
                match &item.kind {
                    ItemKind::Numeric { answer, .. } => {
                        assert!(item.grade(&Response::Numeric(answer.value().unwrap())));
                        assert!(!item.grade(&Response::Numeric(answer.value().unwrap() + 1.0)));
                        // The producer and consumer rules, worked out by hand,
                        // agree with what the simulations computed.
                        let v = answer.value().unwrap();
                        match answer {
                            Calc::KclIdleWorkers { shards, workers } => {
                                assert_eq!(v, workers.saturating_sub(*shards) as f64)
                            }
                            Calc::KclRedelivered {
                                records_per_second,
                                crash_after_seconds,
                                ..
                            } => assert_eq!(
                                v,
                                (records_per_second * crash_after_seconds) as f64,
                                "{answer:?}"
                            ),
                            Calc::PollingAppsPerShard { poll_interval_ms } => {
                                assert_eq!(v, (5 * poll_interval_ms / 1000) as f64)
                            }
                            // The buffering rule worked out by hand: a
                            // batch of `r` records of `b` bytes arrives each
                            // second from t = 0. The buffer is full at the
                            // record that reaches the size hint (`n`
                            // records), in batch `k` (at t = k − 1), unless
                            // its oldest record has waited the interval
                            // first (a batch arriving at that moment starts
                            // the next buffer).
                            Calc::FirehoseFirstDeliverySeconds {
                                records_per_second: r,
                                record_bytes: b,
                                buffer_mib: m,
                                interval_s: i,
                            } => {
                                let n = (*m as u64 * 1_048_576).div_ceil(*b as u64);
                                let k = n.div_ceil(*r as u64);
                                let want = if k <= *i as u64 { k - 1 } else { *i as u64 };
                                assert_eq!(v, want as f64, "{answer:?}");
                            }
                            Calc::FirehoseFirstObjectKib {
                                records_per_second: r,
                                record_bytes: b,
                                buffer_mib: m,
                                interval_s: i,
                            } => {
                                let n = (*m as u64 * 1_048_576).div_ceil(*b as u64);
                                let k = n.div_ceil(*r as u64);
                                let records = if k <= *i as u64 {
                                    n
                                } else {
                                    *i as u64 * *r as u64
                                };
                                assert_eq!(
                                    v,
                                    ((records * *b as u64) as f64 / 1024.0).round(),
                                    "{answer:?}"
                                );
                            }
                            Calc::FirehoseObjects {
                                records_per_second: r,
                                record_bytes: b,
                                buffer_mib: m,
                                interval_s: i,
                                seconds,
                            } => {
                                let n = (*m as u64 * 1_048_576).div_ceil(*b as u64);
                                let k = n.div_ceil(*r as u64);
                                // By size every `n` records (each buffer fills
                                // within k ≤ interval − 1 seconds); by time
                                // every interval.
                                let want = if k < *i as u64 {
                                    *seconds as u64 * *r as u64 / n
                                } else {
                                    assert!(k > *i as u64, "the generator avoids k = interval");
                                    *seconds as u64 / *i as u64
                                };
                                assert_eq!(v, want as f64, "{answer:?}");
                            }
                            Calc::KplKinesisRecordsPerSecond {
                                user_records_per_second,
                                ..
                            } => {
                                assert!(
                                    v >= 1.0 && v < *user_records_per_second as f64 / 20.0,
                                    "{v}"
                                )
                            }
                            _ => {}
                        }
                    }
                    ItemKind::Single { answer, .. } => {
                        let key = item.prompt.en.split('`').nth(1).unwrap();
                        let shards = item.options_len() as u32;
                        let expected = route(key, None, &even_ranges(shards).unwrap())
                            .unwrap()
                            .shard_index;
                        assert_eq!(*answer, expected);
                    }
                    _ => unreachable!("generators make numeric and single items"),
                }
            }
        }
    }

    impl Item {
        fn options_len(&self) -> usize {
            match &self.kind {
                ItemKind::Single { options, .. } => options.len(),
                _ => 0,
            }
        }
    }
}

/// `hh:mm:ss` of `s` seconds after 10:00:00.
fn clock(s: u32) -> String {
    format!("{:02}:{:02}:{:02}", 10 + s / 3600, (s / 60) % 60, s % 60)
}

/// Rows a tumbling window writes.
fn sql_tumbling_rows(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let keys = rng.random_range(2..=6u32);
    let window = if level == 1 { 60 } else { [10, 20, 30, 60][rng.random_range(0..4)] };
    let start = rng.random_range(0..window);
    let seconds = rng.random_range(window / 2..=window * 3);
    let end = start + seconds - 1;
    numeric(
        format!("gen-sql-tumbling-{n}"),
        Topic::Analytics,
        level,
        text(
            format!("{keys} tickers each trade once a second, from {} to {} inclusive. A Kinesis Data Analytics application runs `SELECT STREAM TICKER_SYMBOL, COUNT(*) … GROUP BY TICKER_SYMBOL, STEP(ROWTIME BY INTERVAL '{window}' SECOND)`, with ROWTIME the second of each trade. How many rows does it write once every window has closed?", clock(start), clock(end)),
            format!("{keys} mã cổ phiếu, mỗi mã có một giao dịch mỗi giây, từ {} tới hết {}. Một ứng dụng Kinesis Data Analytics chạy `SELECT STREAM TICKER_SYMBOL, COUNT(*) … GROUP BY TICKER_SYMBOL, STEP(ROWTIME BY INTERVAL '{window}' SECOND)`, với ROWTIME là giây của từng giao dịch. Khi mọi cửa sổ đã đóng, ứng dụng ghi ra bao nhiêu dòng?", clock(start), clock(end)),
        ),
        Calc::SqlTumblingRows { keys, start_s: start, seconds, window_s: window },
        text("rows".into(), "dòng".into()),
        text(
            format!("STEP cuts time into {window}-second windows aligned to the clock (10:00:00, then every {window} s). Each window that holds at least one trade gives one row per ticker, so the answer is {keys} × the number of windows the trades touch. The lab's SQL engine runs the query to get it."),
            format!("STEP cắt thời gian thành các cửa sổ {window} giây khớp theo đồng hồ (10:00:00, rồi cứ {window} giây một). Mỗi cửa sổ có ít nhất một giao dịch cho ra một dòng cho mỗi mã, nên đáp án là {keys} × số cửa sổ mà các giao dịch chạm tới. Engine SQL của lab chạy câu truy vấn để ra con số này."),
        ),
        link("tumbling-windows", 1),
    )
}

/// The COUNT of a sliding RANGE window at a given row.
fn sql_sliding_count(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let every = rng.random_range(1..=5u32);
    let range = if level == 1 { every * rng.random_range(2..=6u32) + 1 } else { every * rng.random_range(2..=6u32) };
    let at = every * rng.random_range(6..=15u32);
    numeric(
        format!("gen-sql-sliding-{n}"),
        Topic::Analytics,
        level,
        text(
            format!("A sensor sends a row every {every} s, the first at second 0. A query computes `COUNT(*) OVER (PARTITION BY SENSOR RANGE INTERVAL '{range}' SECOND PRECEDING)`. What count does the row at second {at} get?"),
            format!("Một cảm biến gửi một dòng mỗi {every} giây, dòng đầu tiên ở giây 0. Một truy vấn tính `COUNT(*) OVER (PARTITION BY SENSOR RANGE INTERVAL '{range}' SECOND PRECEDING)`. Dòng ở giây {at} nhận được giá trị đếm bao nhiêu?"),
        ),
        Calc::SqlSlidingCount { every_s: every, range_s: range, at_s: at },
        text("rows".into(), "dòng".into()),
        text(
            format!("The window of the row at second {at} holds the rows with ROWTIME after {at} − {range} and up to {at}, the row itself included; a row exactly {range} s older has just left it. The lab's SQL engine computes the count."),
            format!("Cửa sổ của dòng ở giây {at} gồm các dòng có ROWTIME lớn hơn {at} − {range} và không quá {at}, kể cả chính dòng đó; dòng cũ hơn đúng {range} giây vừa rời khỏi cửa sổ. Engine SQL của lab tính ra số đếm này."),
        ),
        link("sliding-windows", 1),
    )
}

/// Windows a stagger window opens for one key.
fn sql_stagger_rows(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let range = [30, 60][rng.random_range(0..2)];
    let count = 4 + level as usize * 2;
    let mut t = 0u32;
    let mut times = Vec::new();
    for _ in 0..count {
        times.push(t);
        t += rng.random_range(5..=range);
    }
    let list = times.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ");
    numeric(
        format!("gen-sql-stagger-{n}"),
        Topic::Analytics,
        level,
        text(
            format!("Rows of one device arrive at seconds {list}. The query uses `WINDOWED BY STAGGER (PARTITION BY DEVICE RANGE INTERVAL '{range}' SECOND)` with COUNT(*). How many rows does it write?"),
            format!("Các dòng của một thiết bị tới vào các giây {list}. Truy vấn dùng `WINDOWED BY STAGGER (PARTITION BY DEVICE RANGE INTERVAL '{range}' SECOND)` với COUNT(*). Nó ghi ra bao nhiêu dòng?"),
        ),
        Calc::SqlStaggerRows { times_s: times.clone(), range_s: range },
        text("rows".into(), "dòng".into()),
        text(
            format!("A window opens at the first row, takes every row for {range} s, and writes one row when it closes; the next row after that opens a new window. The lab's SQL engine runs the rows through a stagger window to count them."),
            format!("Một cửa sổ mở ở dòng đầu tiên, nhận mọi dòng trong {range} giây, rồi ghi ra một dòng khi đóng; dòng kế tiếp sau đó mở một cửa sổ mới. Engine SQL của lab cho các dòng chạy qua một cửa sổ stagger để đếm."),
        ),
        link("stagger-windows", 1),
    )
}

fn assignor_of(rng: &mut ComponentRng, level: u8) -> crate::compare::kafka::Assignor {
    use crate::compare::kafka::Assignor;
    match level {
        1 => Assignor::Range,
        _ => [Assignor::Range, Assignor::RoundRobin, Assignor::CooperativeSticky][rng.random_range(0..3)],
    }
}

/// Kafka group members with no partition.
fn kafka_idle_members(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let partitions = rng.random_range(2..=8u32);
    let members = if level == 1 {
        partitions + rng.random_range(1..=3u32)
    } else {
        rng.random_range(1..=partitions + 4).min(12)
    };
    let assignor = assignor_of(rng, level);
    numeric(
        format!("gen-kafka-idle-{n}"),
        Topic::Comparison,
        level,
        text(
            format!("A Kafka topic has {partitions} partitions. One consumer group of {members} members reads it with the {} assignor. Once the rebalance is over, how many members have no partition to read?", assignor.name()),
            format!("Một topic Kafka có {partitions} partition. Một consumer group gồm {members} thành viên đọc topic đó với assignor {}. Khi rebalance xong, có bao nhiêu thành viên không có partition nào để đọc?", assignor.name()),
        ),
        Calc::KafkaIdleMembers { partitions, members, assignor },
        text("members".into(), "thành viên".into()),
        text(
            "Within one group every partition belongs to exactly one member, so at most as many members as partitions have work, whichever assignor shares them out. The answer comes from running the lab's Kafka group until it settles. The KCL on Kinesis behaves the same way: workers beyond the number of shards hold no lease.".into(),
            "Trong một group, mỗi partition thuộc về đúng một thành viên, nên số thành viên có việc tối đa bằng số partition, dù assignor nào chia. Đáp án có được bằng cách cho group Kafka của lab chạy tới khi ổn định. KCL trên Kinesis cũng vậy: worker vượt quá số shard không giữ lease nào.".into(),
        ),
        link("consumer-groups", 1),
    )
}

/// The largest share of partitions in a Kafka group.
fn kafka_most_partitions(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let members = rng.random_range(2..=5u32);
    let partitions = rng.random_range(members..=members * 3 + 1);
    let assignor = assignor_of(rng, level);
    numeric(
        format!("gen-kafka-most-{n}"),
        Topic::Comparison,
        level,
        text(
            format!("A consumer group of {members} members reads a Kafka topic of {partitions} partitions with the {} assignor. Once the group has settled, how many partitions does the busiest member read?", assignor.name()),
            format!("Một consumer group gồm {members} thành viên đọc một topic Kafka có {partitions} partition với assignor {}. Khi group đã ổn định, thành viên bận nhất đọc bao nhiêu partition?", assignor.name()),
        ),
        Calc::KafkaMostPartitions { partitions, members, assignor },
        text("partitions".into(), "partition".into()),
        text(
            "All three assignors balance a single topic to within one partition: when the partitions do not divide evenly, some members get one more. Range gives the extra ones to the first members in member-id order. The answer comes from the lab's Kafka group after it settles.".into(),
            "Với một topic, cả ba assignor đều chia cân bằng, chênh lệch không quá một partition: khi chia không hết, vài thành viên nhận thêm một partition. Range dành phần dư cho những thành viên đứng đầu theo thứ tự member id. Đáp án lấy từ group Kafka của lab sau khi đã ổn định.".into(),
        ),
        link("consumer-groups", 1),
    )
}

/// Keys remapped by adding Kafka partitions.
fn kafka_keys_moved(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let keys = [10u32, 20, 50, 100][rng.random_range(0..4)];
    let from = rng.random_range(2..=6u32);
    let to = if level == 1 { from * 2 } else { from + rng.random_range(1..=from) };
    numeric(
        format!("gen-kafka-keys-moved-{n}"),
        Topic::Comparison,
        level,
        text(
            format!("Producers use Kafka's default partitioner with the keys user-1 to user-{keys}. The topic grows from {from} to {to} partitions. How many of those keys now go to a different partition than before?"),
            format!("Producer dùng partitioner mặc định của Kafka với các key từ user-1 tới user-{keys}. Topic được tăng từ {from} lên {to} partition. Bao nhiêu key trong số đó giờ đi vào partition khác trước?"),
        ),
        Calc::KafkaKeysMoved { keys, from, to },
        text("keys".into(), "key".into()),
        text(
            format!("The partition is murmur2(key), made positive, modulo the partition count, so a key moves whenever that remainder differs for {from} and {to}. The count is computed with the lab's murmur2, which passes Kafka's own test vectors. Records already written stay where they are; that is how a key's order can break while old and new records sit in different partitions."),
            format!("Partition bằng murmur2(key), lấy giá trị dương, modulo số partition, nên một key đổi chỗ khi số dư với {from} và với {to} khác nhau. Con số được tính bằng murmur2 của lab, vốn khớp các test vector của chính Kafka. Record đã ghi thì vẫn nằm nguyên chỗ cũ; đó là lý do thứ tự của một key có thể bị phá vỡ khi record cũ và mới nằm ở hai partition khác nhau."),
        ),
        link("compare-features", 2),
    )
}

/// When SQS moves a message to the dead-letter queue.
fn sqs_dead_letter(rng: &mut ComponentRng, level: u8, n: usize) -> Item {
    let visibility_s = [10u32, 20, 30, 45, 60][rng.random_range(0..5)];
    let max_receive_count = if level == 1 { 3 } else { rng.random_range(1..=5u32) };
    numeric(
        format!("gen-sqs-dlq-{n}"),
        Topic::Comparison,
        level,
        text(
            format!("An SQS queue has a visibility timeout of {visibility_s} s and a redrive policy with maxReceiveCount {max_receive_count}. A buggy consumer receives a message again as soon as it is visible and never deletes it. How many seconds after it was sent does the message land in the dead-letter queue?"),
            format!("Một hàng đợi SQS có visibility timeout {visibility_s} giây và redrive policy với maxReceiveCount {max_receive_count}. Một consumer lỗi nhận lại message ngay khi nó hiện ra và không bao giờ xoá. Bao nhiêu giây sau khi được gửi thì message rơi vào dead-letter queue?"),
        ),
        Calc::SqsDeadLetterAfter { visibility_s, max_receive_count },
        text("seconds".into(), "giây".into()),
        text(
            "Each receive hides the message for the visibility timeout and adds one to its receive count. After maxReceiveCount receives without a delete, the next receive attempt moves it to the dead-letter queue instead of returning it. The lab's SQS model runs exactly this and reports the second.".into(),
            "Mỗi lần nhận làm message bị ẩn trong thời gian visibility timeout và tăng receive count thêm một. Sau maxReceiveCount lần nhận mà không xoá, lần nhận kế tiếp sẽ chuyển message sang dead-letter queue thay vì trả về. Mô hình SQS của lab chạy đúng như vậy và báo ra giây đó.".into(),
        ),
        link("compare-features", 1),
    )
}
