//! The compare page's and compare widget's words, English and Vietnamese side
//! by side (kept here, beside the only code that uses them). Numbers are
//! never in these strings: they come from the engine and are put in with
//! `{n}`-style placeholders.

use crate::i18n::Lang;

/// One string in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tx(pub &'static str, pub &'static str);

impl Tx {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.0,
            Lang::Vi => self.1,
        }
    }
}

pub const LEAD: Tx = Tx(
    "One workload goes into Amazon SQS, Apache Kafka and Kinesis Data Streams at the same moment, with the same seed. Press Start, then try the toggles and watch the three behave differently.",
    "Cùng một luồng công việc được đưa vào Amazon SQS, Apache Kafka và Kinesis Data Streams cùng lúc, cùng một seed. Bấm Bắt đầu, rồi thử các nút bật tắt và xem ba hệ thống cư xử khác nhau ra sao.",
);
pub const WORKLOAD: Tx = Tx("Workload", "Luồng công việc");
pub const KEYS: Tx = Tx("Distinct keys", "Số key khác nhau");
pub const KEYS_HELP: Tx = Tx(
    "Partition key, Kafka key and FIFO message group.",
    "Là partition key, key của Kafka và message group của FIFO.",
);
pub const RATE: Tx = Tx("Messages per second", "Số message mỗi giây");
pub const BYTES: Tx = Tx("Message size (bytes)", "Kích thước message (byte)");
pub const MESSAGES: Tx = Tx("Messages in total", "Tổng số message");
pub const CONSUMERS: Tx = Tx("Consumers", "Số consumer");
pub const CONSUMERS_HELP: Tx = Tx(
    "SQS pollers, Kafka group members, KCL workers.",
    "Là các poller của SQS, thành viên group của Kafka, worker của KCL.",
);
pub const PARTITIONS: Tx = Tx("Partitions / shards", "Số partition / shard");
pub const ASSIGNOR: Tx = Tx("Kafka assignor", "Assignor của Kafka");
pub const QUEUE_TYPE: Tx = Tx("SQS queue type", "Loại hàng đợi SQS");
pub const STANDARD: Tx = Tx("Standard", "Standard");
pub const FIFO: Tx = Tx("FIFO", "FIFO");
pub const SEED: Tx = Tx("Seed", "Seed");
pub const START: Tx = Tx("Start", "Bắt đầu");
pub const NOT_A_NUMBER: Tx = Tx(
    "Type a whole number (digits only).",
    "Hãy nhập một số nguyên (chỉ gồm chữ số).",
);
pub const REFUSED: Tx = Tx("Refused by the simulator:", "Bộ mô phỏng từ chối:");

pub const TIME: Tx = Tx("Simulated time", "Thời gian mô phỏng");
pub const PLAY: Tx = Tx("Play", "Chạy");
pub const PAUSE: Tx = Tx("Pause", "Tạm dừng");
pub const SPEED: Tx = Tx("Speed", "Tốc độ");
pub const STEP1: Tx = Tx("+1 s", "+1 giây");
pub const STEP10: Tx = Tx("+10 s", "+10 giây");
pub const STEP60: Tx = Tx("+60 s", "+60 giây");
pub const NOT_STARTED: Tx = Tx(
    "Nothing is running yet: choose a scenario or set a workload and press Start.",
    "Chưa có gì chạy: hãy chọn một kịch bản, hoặc đặt luồng công việc rồi bấm Bắt đầu.",
);

pub const PRESETS: Tx = Tx("Scenarios", "Kịch bản");
pub const PRESETS_HELP: Tx = Tx(
    "Each scenario sets a workload and plays its toggles in time. Its link opens it again.",
    "Mỗi kịch bản đặt sẵn luồng công việc và bật các nút theo thời gian. Đường dẫn của nó mở lại đúng kịch bản đó.",
);
pub const SCRIPT_PLAYING: Tx = Tx(
    "Playing the scenario: {left} step(s) to go.",
    "Đang chạy kịch bản: còn {left} bước.",
);
pub const SCRIPT_DONE: Tx = Tx(
    "The scenario has played to its end. Press Play to let time go on, or try a toggle.",
    "Kịch bản đã chạy xong. Bấm Chạy để thời gian tiếp tục, hoặc thử một nút bật tắt.",
);
pub const SKIP: Tx = Tx("Skip to the end", "Tới luôn kết quả");
pub const LINK_BROKEN: Tx = Tx(
    "This link could not be opened, so the page starts from the defaults.",
    "Không mở được đường dẫn này, nên trang bắt đầu với giá trị mặc định.",
);
pub const UNKNOWN_SCENARIO: Tx = Tx(
    "There is no scenario called “{id}”, so the page starts from the defaults.",
    "Không có kịch bản nào tên “{id}”, nên trang bắt đầu với giá trị mặc định.",
);
pub const LINK_REPLAY_FAILED: Tx = Tx(
    "Part of this link was refused by the simulator; what could be replayed is shown.",
    "Một phần của đường dẫn bị bộ mô phỏng từ chối; trang hiện những gì phát lại được.",
);

pub const TOGGLES: Tx = Tx("Toggles", "Các nút bật tắt");
pub const EMPHASIS: Tx = Tx(
    "Where do processed messages go?",
    "Message đã xử lý đi đâu?",
);
pub const EMPHASIS_HELP: Tx = Tx(
    "SQS: process, then DeleteMessage, and the message is gone for everyone. Kafka and Kinesis: process, then move the offset or checkpoint; the data stays for the next reader.",
    "SQS: xử lý xong thì DeleteMessage, message biến mất với mọi người. Kafka và Kinesis: xử lý xong chỉ dời offset hoặc checkpoint; dữ liệu vẫn còn cho người đọc sau.",
);
pub const SECOND_GROUP: Tx = Tx(
    "Start a second consumer group now",
    "Thêm một consumer group thứ hai ngay",
);
pub const SECOND_GROUP_HELP: Tx = Tx(
    "Who can still read history? A new Kafka group and a second KCL application start from the oldest data; SQS has one set of pollers on one queue.",
    "Ai còn đọc được dữ liệu cũ? Group Kafka mới và ứng dụng KCL thứ hai đọc từ dữ liệu cũ nhất; SQS chỉ có một nhóm poller trên một hàng đợi.",
);
pub const REPLAY: Tx = Tx("Replay", "Đọc lại");
pub const REPLAY_SECONDS: Tx = Tx("seconds ago", "giây trước");
pub const REPLAY_HELP: Tx = Tx(
    "Kinesis reads again from AT_TIMESTAMP, Kafka seeks to offsetsForTimes; SQS cannot: deleted messages are gone.",
    "Kinesis đọc lại từ AT_TIMESTAMP, Kafka seek tới offsetsForTimes; SQS thì không thể: message đã xóa là mất.",
);
pub const KILL: Tx = Tx("Kill consumer", "Tắt consumer");
pub const KILL_HELP: Tx = Tx(
    "SQS waits out the visibility timeout, Kafka rebalances the group, the KCL moves the lease to another worker.",
    "SQS chờ hết visibility timeout, Kafka rebalance lại group, KCL chuyển lease sang worker khác.",
);
pub const CAPACITY: Tx = Tx("Add capacity", "Thêm dung lượng");
pub const CAPACITY_HELP: Tx = Tx(
    "Kinesis splits a shard, Kafka adds a partition (and keys move to other partitions), SQS just scales by itself.",
    "Kinesis tách một shard, Kafka thêm một partition (và key chuyển sang partition khác), SQS tự mở rộng.",
);
pub const SAME_KEY: Tx = Tx("Send the same key", "Gửi cùng một key");
pub const SAME_KEY_TIMES: Tx = Tx("times", "lần");
pub const SAME_KEY_HELP: Tx = Tx(
    "Order holds per shard and per partition, per message group in FIFO, and not at all in a standard queue.",
    "Thứ tự được giữ trong từng shard và từng partition, trong từng message group của FIFO, còn hàng đợi standard thì không.",
);
pub const ACTION_REFUSED: Tx = Tx("Not done:", "Không thực hiện được:");

pub const COUNTERS: Tx = Tx("Live counters", "Bộ đếm trực tiếp");
pub const METRIC: Tx = Tx("Counter", "Chỉ số");
pub const SENT: Tx = Tx("Sent", "Đã gửi");
pub const DELIVERED: Tx = Tx("Delivered", "Đã giao");
pub const DUPLICATES: Tx = Tx("Duplicates", "Trùng lặp");
pub const OUT_OF_ORDER: Tx = Tx("Out-of-order pairs", "Cặp sai thứ tự");
pub const READABLE: Tx = Tx("Still readable", "Còn đọc được");
pub const P50: Tx = Tx("Latency p50", "Độ trễ p50");
pub const P95: Tx = Tx("Latency p95", "Độ trễ p95");
pub const NO_VALUE: Tx = Tx("—", "—");
pub const MS: Tx = Tx("ms", "ms");

pub const QUEUE: Tx = Tx("queue", "hàng đợi");
pub const STORED: Tx = Tx("stored", "đang lưu");
pub const NO_READER: Tx = Tx("no reader", "không ai đọc");
pub const EMPTY_COLUMN: Tx = Tx("No lanes yet.", "Chưa có làn nào.");
pub const CONSUMERS_TITLE: Tx = Tx("Consumers", "Consumer");
pub const STATUS: Tx = Tx("What just happened", "Vừa xảy ra");

pub const WHERE_SQS: Tx = Tx(
    "Processed, then deleted: these messages are gone for every reader.",
    "Xử lý xong rồi xóa: những message này đã mất với mọi người đọc.",
);
pub const WHERE_KAFKA: Tx = Tx(
    "Processed, then the group's committed offset moved: the records stay on the partitions until retention.",
    "Xử lý xong thì offset đã commit của group dời đi: record vẫn nằm trên partition tới khi hết hạn lưu giữ.",
);
pub const WHERE_KINESIS: Tx = Tx(
    "Processed, then the KCL checkpoint moved: the records stay in the shards until the retention period ends.",
    "Xử lý xong thì checkpoint của KCL dời đi: record vẫn nằm trong shard tới khi hết thời gian lưu giữ.",
);

pub const RUN: Tx = Tx("Let time pass", "Cho thời gian trôi");
pub const WIDGET_START_FIRST: Tx = Tx(
    "Start a comparison first.",
    "Hãy bắt đầu một phép so sánh trước.",
);

pub const G_DELIVERED: Tx = Tx("delivered", "đã giao");
pub const G_DUPLICATES: Tx = Tx("duplicates", "trùng");
pub const G_OUT_OF_ORDER: Tx = Tx("out of order", "sai thứ tự");
pub const M_DEAD: Tx = Tx("dead", "đã chết");
pub const M_PAUSED: Tx = Tx("paused", "tạm dừng");
pub const M_IDLE: Tx = Tx("idle", "rảnh");
pub const M_READING: Tx = Tx("reading", "đang đọc");

pub const EOS: Tx = Tx("Exactly-once demo", "Thử exactly-once");
pub const EOS_CRASH: Tx = Tx("crash after", "sập sau");
pub const EOS_RECORDS: Tx = Tx("records", "record");
pub const EOS_HELP: Tx = Tx(
    "A Kafka read-process-write job crashes once with transactions and once without. SQS and Kinesis have no transactions: their consumers must cope with duplicates.",
    "Một job Kafka đọc, xử lý rồi ghi bị sập, một lần có transaction và một lần không. SQS và Kinesis không có transaction: consumer của chúng phải tự xử lý bản trùng.",
);
pub const EOS_TITLE: Tx = Tx("Exactly once: Kafka transactions", "Đúng một lần: transaction của Kafka");
pub const EOS_LEAD: Tx = Tx(
    "{n} input records; the job crashed after {k}. A read_committed reader of the output saw:",
    "{n} record đầu vào; job bị sập sau {k} record. Một reader read_committed đọc đầu ra thấy:",
);
pub const EOS_WITH: Tx = Tx("With transactions", "Có transaction");
pub const EOS_WITHOUT: Tx = Tx("At-least-once commits", "Commit at-least-once");
pub const EOS_COMMITTED: Tx = Tx("Outputs read", "Output đọc được");
pub const EOS_DISTINCT: Tx = Tx("Distinct outputs", "Output khác nhau");
pub const EOS_DUPLICATES: Tx = Tx("Duplicate outputs", "Output trùng");
pub const EOS_MISSING: Tx = Tx("Missing outputs", "Output bị thiếu");
pub const EOS_ABORTED: Tx = Tx("Aborted (hidden)", "Bị hủy (bị ẩn)");
pub const EOS_REPROCESSED: Tx = Tx("Inputs processed twice", "Input bị xử lý hai lần");
pub const EOS_FENCED: Tx = Tx("Crashed instance fenced", "Instance cũ bị chặn (fenced)");
pub const EOS_OTHERS: Tx = Tx(
    "Meanwhile, without transactions: SQS received {sqs} message(s) again and Kinesis {kinesis}.",
    "Trong khi đó, không có transaction: SQS đã nhận lại {sqs} message và Kinesis {kinesis}.",
);
