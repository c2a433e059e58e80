//! The compare lessons' goals and reasons, in both languages.

use crate::i18n::Lang;
use kinesis_lab_core::compare::guide::Recommendation;
use kinesis_lab_core::compare::System;
use kinesis_lab_core::lesson::compare::{CompareGoal, CompareWhy, CounterKind};

fn system(s: System) -> &'static str {
    s.name()
}

fn counter(lang: Lang, c: CounterKind) -> &'static str {
    match (c, lang) {
        (CounterKind::Sent, Lang::En) => "sent",
        (CounterKind::Sent, Lang::Vi) => "đã gửi",
        (CounterKind::Delivered, Lang::En) => "delivered",
        (CounterKind::Delivered, Lang::Vi) => "đã giao",
        (CounterKind::Duplicates, Lang::En) => "duplicates",
        (CounterKind::Duplicates, Lang::Vi) => "bản trùng",
        (CounterKind::OutOfOrder, Lang::En) => "out-of-order pairs",
        (CounterKind::OutOfOrder, Lang::Vi) => "cặp sai thứ tự",
        (CounterKind::Readable, Lang::En) => "still readable",
        (CounterKind::Readable, Lang::Vi) => "còn đọc được",
    }
}

fn op(lang: Lang, op: &str) -> String {
    let (en, vi) = match op {
        "second_group" => ("Start a second group", "Thêm group thứ hai"),
        "replay" => ("Replay", "Đọc lại"),
        "kill_consumer" => ("Kill a consumer", "Tắt một consumer"),
        "add_capacity" => ("Add capacity", "Thêm dung lượng"),
        "same_key" => ("Same key", "Cùng một key"),
        "exactly_once" => ("Exactly once", "Exactly-once"),
        "run" => ("Run", "Chạy"),
        "start" => ("Start", "Bắt đầu"),
        other => (other, other),
    };
    match lang {
        Lang::En => en.to_string(),
        Lang::Vi => vi.to_string(),
    }
}

pub fn recommendation(lang: Lang, r: Recommendation) -> String {
    let catalog = crate::catalog::catalog();
    match catalog.guide.recommendations.iter().find(|t| t.id == r) {
        Some(t) if lang == Lang::Vi => t.name.vi.clone(),
        Some(t) => t.name.en.clone(),
        None => r.id().to_string(),
    }
}

fn bounds(lang: Lang, at_least: Option<u64>, at_most: Option<u64>) -> String {
    match (at_least, at_most, lang) {
        (Some(a), Some(b), Lang::En) if a == b => format!("exactly {a}"),
        (Some(a), Some(b), Lang::Vi) if a == b => format!("đúng {a}"),
        (Some(a), Some(b), Lang::En) => format!("between {a} and {b}"),
        (Some(a), Some(b), Lang::Vi) => format!("từ {a} đến {b}"),
        (Some(a), None, Lang::En) => format!("at least {a}"),
        (Some(a), None, Lang::Vi) => format!("ít nhất {a}"),
        (None, Some(b), Lang::En) => format!("at most {b}"),
        (None, Some(b), Lang::Vi) => format!("nhiều nhất {b}"),
        (None, None, Lang::En) => "any number".into(),
        (None, None, Lang::Vi) => "bao nhiêu cũng được".into(),
    }
}

pub fn goal_text(lang: Lang, g: &CompareGoal) -> String {
    match (g, lang) {
        (CompareGoal::Started, Lang::En) => "Start a comparison.".into(),
        (CompareGoal::Started, Lang::Vi) => "Bắt đầu một phép so sánh.".into(),
        (CompareGoal::Fifo { fifo: true }, Lang::En) => "Run the comparison with an SQS FIFO queue.".into(),
        (CompareGoal::Fifo { fifo: true }, Lang::Vi) => "Chạy phép so sánh với hàng đợi SQS FIFO.".into(),
        (CompareGoal::Fifo { fifo: false }, Lang::En) => "Run the comparison with an SQS standard queue.".into(),
        (CompareGoal::Fifo { fifo: false }, Lang::Vi) => "Chạy phép so sánh với hàng đợi SQS standard.".into(),
        (CompareGoal::Used { op: o }, Lang::En) => format!("Use “{}” in the comparison.", op(lang, o)),
        (CompareGoal::Used { op: o }, Lang::Vi) => format!("Dùng “{}” trong phép so sánh.", op(lang, o)),
        (CompareGoal::Counter { system: s, counter: c, at_least, at_most }, Lang::En) => {
            format!("{}: {} {}.", system(*s), counter(lang, *c), bounds(lang, *at_least, *at_most))
        }
        (CompareGoal::Counter { system: s, counter: c, at_least, at_most }, Lang::Vi) => {
            format!("{}: {} {}.", system(*s), counter(lang, *c), bounds(lang, *at_least, *at_most))
        }
        (CompareGoal::QueueEmptiedStreamsKept { messages }, Lang::En) => format!("Send at least {messages} messages and process them all: SQS keeps none, while Kafka and Kinesis can still give every one to a new reader."),
        (CompareGoal::QueueEmptiedStreamsKept { messages }, Lang::Vi) => format!("Gửi ít nhất {messages} message và xử lý hết: SQS không giữ lại message nào, còn Kafka và Kinesis vẫn đưa được từng message cho một bên đọc mới."),
        (CompareGoal::Recommended { recommendation: r }, Lang::En) => format!("Answer the decision tree's questions so that it recommends {}.", recommendation(lang, *r)),
        (CompareGoal::Recommended { recommendation: r }, Lang::Vi) => format!("Trả lời các câu hỏi của cây quyết định sao cho nó khuyên dùng {}.", recommendation(lang, *r)),
        (CompareGoal::SecondGroupReadAll { system: s }, Lang::En) => format!("{}: a second consumer group, started later, reads every message sent.", system(*s)),
        (CompareGoal::SecondGroupReadAll { system: s }, Lang::Vi) => format!("{}: một consumer group thứ hai, bắt đầu muộn hơn, đọc được mọi message đã gửi.", system(*s)),
        (CompareGoal::IdleConsumers { system: s, idle }, Lang::En) => format!("{}: at least {idle} running consumer(s) with nothing to read.", system(*s)),
        (CompareGoal::IdleConsumers { system: s, idle }, Lang::Vi) => format!("{}: ít nhất {idle} consumer đang chạy mà không có gì để đọc.", system(*s)),
        (CompareGoal::Rebalanced { system: s }, Lang::En) => format!("{}: the group hands its lanes out again after a change (a rebalance, or a lease moving).", system(*s)),
        (CompareGoal::Rebalanced { system: s }, Lang::Vi) => format!("{}: group chia lại các làn sau một thay đổi (rebalance, hoặc lease chuyển chủ).", system(*s)),
        (CompareGoal::ExactlyOnceShown, Lang::En) => "Run the exactly-once demo: with transactions no duplicate output, without them some.".into(),
        (CompareGoal::ExactlyOnceShown, Lang::Vi) => "Chạy phần minh hoạ exactly-once: có transaction thì không có kết quả trùng, không có thì có trùng.".into(),
        (CompareGoal::NoneLost { system: s }, Lang::En) => format!("{}: the first group receives every message sent; nothing is lost.", system(*s)),
        (CompareGoal::NoneLost { system: s }, Lang::Vi) => format!("{}: group thứ nhất nhận đủ mọi message đã gửi; không mất message nào.", system(*s)),
    }
}

pub fn why_text(lang: Lang, w: &CompareWhy) -> String {
    match (w, lang) {
        (CompareWhy::NotStarted, Lang::En) => "Nothing has run yet: press Start.".into(),
        (CompareWhy::NotStarted, Lang::Vi) => "Chưa chạy gì: hãy bấm Bắt đầu.".into(),
        (CompareWhy::WrongQueue { fifo: true }, Lang::En) => "This comparison uses a standard queue: tick FIFO and start again.".into(),
        (CompareWhy::WrongQueue { fifo: true }, Lang::Vi) => "Phép so sánh này dùng hàng đợi standard: hãy chọn FIFO rồi bắt đầu lại.".into(),
        (CompareWhy::WrongQueue { fifo: false }, Lang::En) => "This comparison uses a FIFO queue: untick FIFO and start again.".into(),
        (CompareWhy::WrongQueue { fifo: false }, Lang::Vi) => "Phép so sánh này dùng hàng đợi FIFO: hãy bỏ chọn FIFO rồi bắt đầu lại.".into(),
        (CompareWhy::NotUsed { op: o }, Lang::En) => format!("“{}” has not been used since the last Start.", op(lang, o)),
        (CompareWhy::NotUsed { op: o }, Lang::Vi) => format!("Chưa dùng “{}” kể từ lần Bắt đầu gần nhất.", op(lang, o)),
        (CompareWhy::CounterOut { system: s, counter: c, have, at_least, at_most }, Lang::En) => format!("{}: {} is {have}; the goal needs {}.", system(*s), counter(lang, *c), bounds(lang, *at_least, *at_most)),
        (CompareWhy::CounterOut { system: s, counter: c, have, at_least, at_most }, Lang::Vi) => format!("{}: {} đang là {have}; mục tiêu cần {}.", system(*s), counter(lang, *c), bounds(lang, *at_least, *at_most)),
        (CompareWhy::NotEmptiedAndKept { need, sent, sqs_delivered, sqs_readable, kafka_readable, kinesis_readable }, Lang::En) => format!("Sent {sent} (need {need}). SQS delivered {sqs_delivered} and still holds {sqs_readable}; Kafka can still give {kafka_readable} and Kinesis {kinesis_readable} to a new reader. Let it run until every message is processed."),
        (CompareWhy::NotEmptiedAndKept { need, sent, sqs_delivered, sqs_readable, kafka_readable, kinesis_readable }, Lang::Vi) => format!("Đã gửi {sent} (cần {need}). SQS đã giao {sqs_delivered} và còn giữ {sqs_readable}; Kafka còn đưa được {kafka_readable} và Kinesis {kinesis_readable} message cho một bên đọc mới. Hãy cho chạy tới khi mọi message được xử lý."),
        (CompareWhy::NotRecommended { want, got: None }, Lang::En) => format!("The tree has not reached {} yet.", recommendation(lang, *want)),
        (CompareWhy::NotRecommended { want, got: None }, Lang::Vi) => format!("Cây quyết định chưa dẫn tới {}.", recommendation(lang, *want)),
        (CompareWhy::NotRecommended { want, got: Some(g) }, Lang::En) => format!("Your answers led to {}, not {}.", recommendation(lang, *g), recommendation(lang, *want)),
        (CompareWhy::NotRecommended { want, got: Some(g) }, Lang::Vi) => format!("Câu trả lời của bạn dẫn tới {}, chứ không phải {}.", recommendation(lang, *g), recommendation(lang, *want)),
        (CompareWhy::SecondGroupShort { system: s, best: None, .. }, Lang::En) => format!("{}: no second group has started since the last Start.", system(*s)),
        (CompareWhy::SecondGroupShort { system: s, best: None, .. }, Lang::Vi) => format!("{}: chưa có group thứ hai nào kể từ lần Bắt đầu gần nhất.", system(*s)),
        (CompareWhy::SecondGroupShort { system: s, sent, best: Some(b) }, Lang::En) => format!("{}: {sent} messages sent; the later group has read {b} of them so far. Let time pass.", system(*s)),
        (CompareWhy::SecondGroupShort { system: s, sent, best: Some(b) }, Lang::Vi) => format!("{}: đã gửi {sent} message; group đến sau mới đọc được {b}. Hãy cho thời gian trôi thêm.", system(*s)),
        (CompareWhy::TooFewIdle { system: s, need, have }, Lang::En) => format!("{}: {have} consumer(s) idle now; the goal needs {need}. Try more consumers than partitions.", system(*s)),
        (CompareWhy::TooFewIdle { system: s, need, have }, Lang::Vi) => format!("{}: hiện có {have} consumer ngồi không; mục tiêu cần {need}. Hãy thử số consumer nhiều hơn số partition.", system(*s)),
        (CompareWhy::NotRebalanced { system: s }, Lang::En) => format!("{}: nothing has been handed out again yet. Kill a consumer and let time pass.", system(*s)),
        (CompareWhy::NotRebalanced { system: s }, Lang::Vi) => format!("{}: chưa có gì được chia lại. Hãy tắt một consumer rồi cho thời gian trôi.", system(*s)),
        (CompareWhy::NoExactlyOnce { ran: false, .. }, Lang::En) => "The exactly-once demo has not run in this comparison yet.".into(),
        (CompareWhy::NoExactlyOnce { ran: false, .. }, Lang::Vi) => "Phần minh hoạ exactly-once chưa chạy trong phép so sánh này.".into(),
        (CompareWhy::NoExactlyOnce { ran: true, with_transactions, without }, Lang::En) => format!("The demo gave {with_transactions} duplicate outputs with transactions and {without} without: crash later, after some records were processed."),
        (CompareWhy::NoExactlyOnce { ran: true, with_transactions, without }, Lang::Vi) => format!("Phần minh hoạ cho {with_transactions} kết quả trùng khi có transaction và {without} khi không có: hãy cho sập muộn hơn, sau khi đã xử lý một số record."),
        (CompareWhy::Lost { system: s, sent, received }, Lang::En) => format!("{}: the first group has received {received} of the {sent} messages sent. Let time pass.", system(*s)),
        (CompareWhy::Lost { system: s, sent, received }, Lang::Vi) => format!("{}: group thứ nhất mới nhận {received} trong số {sent} message đã gửi. Hãy cho thời gian trôi thêm.", system(*s)),
    }
}
