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
    match rng.random_range(0..3) {
        0 => shards_for_workload(rng, level, n),
        1 => shard_from_hash_key(rng, level, n),
        _ => get_records_budget(rng, level, n),
    }
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
