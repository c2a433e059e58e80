//! English and Vietnamese UI text.
//!
//! Every string is one arm of the `texts!` table below, which needs both
//! languages: a missing translation does not compile. Messages with numbers
//! are functions at the end of the file, one `match` arm per language.

use kinesis_lab_core::error::{Field, Problem, ValidationError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Vi,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Vi];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Vi => "vi",
        }
    }

    pub fn from_code(s: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == s)
    }

    /// The language's own name, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Vi => "Tiếng Việt",
        }
    }
}

macro_rules! texts {
    ($($key:ident => $en:expr, $vi:expr;)*) => {
        /// A UI string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum T { $($key),* }

        impl T {
            pub const ALL: &'static [T] = &[$(T::$key),*];

            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, Lang::En) => $en, (T::$key, Lang::Vi) => $vi,)*
                }
            }
        }
    };
}

texts! {
    AppName => "Kinesis Lab", "Kinesis Lab";
    Tagline => "Learn streaming data by running it: every number on these pages is computed by a simulation of the real service.",
               "Học dữ liệu streaming bằng cách chạy thử: mọi con số ở đây đều do bộ mô phỏng dịch vụ thật tính ra.";
    NavHome => "Home", "Trang chủ";
    NavPartitions => "Partition keys", "Partition key";
    NavLabel => "Main", "Điều hướng chính";
    LanguageLabel => "Language", "Ngôn ngữ";
    SkipToContent => "Skip to content", "Bỏ qua, tới nội dung";

    HomeIntro => "Kinesis Data Streams spreads records over shards by hashing each record's partition key. Start here: type a key and watch where it lands, then generate thousands of keys and find the hot shard.",
                 "Kinesis Data Streams chia record vào các shard bằng cách băm partition key của từng record. Bắt đầu từ đây: gõ một key để xem nó rơi vào đâu, rồi sinh hàng nghìn key và tìm ra shard bị quá tải.";
    HomeCardPartitionsBody => "Partition key → MD5 → 128-bit hash key → shard. See the hash-key space cut into shard ranges, and why a low-cardinality key makes a hot shard.",
                              "Partition key → MD5 → hash key 128 bit → shard. Xem không gian hash key được cắt thành các dải của từng shard, và vì sao key ít giá trị gây ra hot shard.";
    Open => "Open", "Mở";

    NotFoundTitle => "Page not found", "Không tìm thấy trang";
    LoadingLab => "Loading the lab…", "Đang tải phòng lab…";
    NotFoundBody => "This link does not point to a page of the lab.", "Đường dẫn này không trỏ tới trang nào của lab.";
    BackHome => "Back to the home page", "Về trang chủ";

    PartitionsTitle => "Where does my record go?", "Record của tôi đi đâu?";
    PartitionsLead => "Kinesis computes the MD5 of the partition key, reads the 16 bytes as one 128-bit number and sends the record to the shard whose hash-key range holds that number.",
                      "Kinesis tính MD5 của partition key, đọc 16 byte đó thành một số 128 bit, rồi gửi record tới shard có dải hash key chứa số ấy.";
    PartitionKey => "Partition key", "Partition key";
    PartitionKeyHelp => "1 to 256 characters, any text.", "Từ 1 đến 256 ký tự, văn bản bất kỳ.";
    UseExplicit => "Override with an ExplicitHashKey", "Ghi đè bằng ExplicitHashKey";
    ExplicitHashKey => "ExplicitHashKey", "ExplicitHashKey";
    ExplicitHelp => "A decimal number from 0 to 2^128 − 1. It replaces the MD5 when choosing the shard.",
                    "Một số thập phân từ 0 đến 2^128 − 1. Khi có, nó thay cho MD5 để chọn shard.";
    ShardCount => "Number of shards", "Số shard";
    Md5Digest => "MD5 digest (hex)", "MD5 (hex)";
    HashKeyDecimal => "Hash key (decimal)", "Hash key (thập phân)";
    FromExplicit => "from ExplicitHashKey", "lấy từ ExplicitHashKey";
    LandsOn => "Lands on", "Rơi vào";
    PositionInSpace => "Position in the hash-key space", "Vị trí trong không gian hash key";
    KeySpaceCaption => "The hash-key space 0 … 2^128 − 1, cut into equal shard ranges. The marker is your key.",
                       "Không gian hash key 0 … 2^128 − 1, chia đều cho các shard. Vạch đánh dấu là key của bạn.";
    ShowingLastValid => "Showing the last valid key.", "Đang hiển thị key hợp lệ gần nhất.";
    RangeTable => "Shard hash-key ranges (as CreateStream makes them)", "Dải hash key của từng shard (đúng như CreateStream tạo)";
    ShardIdCol => "ShardId", "ShardId";
    StartingHashKey => "StartingHashKey", "StartingHashKey";
    EndingHashKey => "EndingHashKey", "EndingHashKey";

    HistTitle => "Many keys: find the hot shard", "Nhiều key: tìm shard nóng";
    HistLead => "Generate a stream of records with keys drawn from a distribution and watch how many land on each shard. Each shard accepts at most 1,000 records per second.",
                "Sinh một luồng record với key lấy từ một phân phối và xem mỗi shard nhận bao nhiêu. Mỗi shard chỉ nhận tối đa 1.000 record mỗi giây.";
    Distribution => "Key distribution", "Phân phối key";
    DistUserIds => "User ids (high cardinality)", "User id (nhiều giá trị)";
    DistUserIdsBody => "user-1 … user-1000000, uniform", "user-1 … user-1000000, đều nhau";
    DistDeviceType => "Device type (low cardinality)", "Loại thiết bị (ít giá trị)";
    DistDeviceTypeBody => "mobile 80 %, web 15 %, tablet 5 %", "80 % là mobile, 15 % web, 5 % tablet";
    DistZipf => "Product ids (Zipf skew)", "Mã sản phẩm (lệch kiểu Zipf)";
    DistZipfBody => "1,000 products; a few best-sellers get most orders", "1.000 sản phẩm; vài món bán chạy chiếm phần lớn đơn";
    RecordsPerSecond => "Records per second (whole stream)", "Số record mỗi giây (cả stream)";
    DurationSeconds => "Simulated seconds", "Số giây mô phỏng";
    Seed => "Seed", "Seed";
    NewSeed => "New seed", "Seed mới";
    Speed => "Speed", "Tốc độ";
    Start => "Start", "Chạy";
    Pause => "Pause", "Tạm dừng";
    Resume => "Resume", "Tiếp tục";
    RunToEnd => "Skip to end", "Chạy tới cuối";
    Reset => "Reset", "Đặt lại";
    HistCanvasLabel => "Bar chart of records per second received by each shard", "Biểu đồ cột số record mỗi giây mà từng shard nhận";
    HistEmpty => "No records sent yet.", "Chưa gửi record nào.";
    LimitLine => "write limit 1,000 records/s", "giới hạn ghi 1.000 record/s";
    EvenLine => "even share", "chia đều";
    RunProgress => "Simulated time", "Thời gian mô phỏng";
    StatTotal => "Records sent", "Record đã gửi";
    StatDistinct => "Distinct keys", "Số key khác nhau";
    StatHottest => "Hottest shard", "Shard nóng nhất";
    StatOverLimit => "Shards over the write limit", "Shard vượt giới hạn ghi";
    StatIdle => "Shards with no records", "Shard không nhận record nào";
    ShardCol => "Shard", "Shard";
    RecordsCol => "Records", "Record";
    RatePerSecondCol => "Records/s", "Record/s";
    StatusCol => "Status", "Trạng thái";
    StatusOver => "over limit: throttled", "vượt giới hạn: bị throttle";
    StatusOk => "ok", "ổn";
    StatusIdle => "idle", "rảnh";
    LinkNotice => "Some values in this link were not valid and were replaced by defaults:", "Một số giá trị trong đường dẫn không hợp lệ nên đã được thay bằng mặc định:";
    CopyLink => "Copy link to this view", "Sao chép đường dẫn tới màn hình này";
    Copied => "Link copied.", "Đã sao chép đường dẫn.";
    Dismiss => "Dismiss", "Đóng";
    UpdateReady => "A new version of Kinesis Lab is ready. Reload to start using it; your saved progress stays.",
                   "Đã có phiên bản mới của Kinesis Lab. Hãy tải lại trang để dùng bản mới, tiến độ đã lưu vẫn được giữ nguyên.";
    UpdateReload => "Reload", "Tải lại";
    UpdateLater => "Not now", "Để sau";

    NavLessons => "Lessons", "Bài học";
    NavStreams => "Stream lab", "Stream lab";
    NavProducers => "Producers", "Producer";
    HomeCardProducersBody => "Pack small records with KPL aggregation and beat the 1,000 records/s limit, see what buffering costs in latency, and fill records from templates.",
                             "Gom record nhỏ bằng KPL aggregation để vượt giới hạn 1.000 record/giây, xem việc đệm dữ liệu làm tăng độ trễ ra sao, và sinh record từ template.";
    HomeCardConsumersBody => "Put five applications on one shard, polling and then with enhanced fan-out, and compare their throughput and latency. Kill a KCL worker and watch its leases move.",
                             "Cho năm ứng dụng cùng đọc một shard, lần đầu bằng polling, lần sau bằng enhanced fan-out, rồi so thông lượng và độ trễ. Tắt một worker KCL và xem lease của nó chuyển đi đâu.";
    FanOutTitle => "Shared polling or enhanced fan-out?", "Polling dùng chung hay enhanced fan-out?";
    FanOutHelp => "The same producer writes the same records into two identical streams. Each application reads one of them by polling GetRecords once a second per shard, and the other through SubscribeToShard, which pushes records about {ms} ms after they arrive. Change the number of applications and watch who gets throttled and how late records arrive.",
                  "Cùng một producer ghi cùng những record vào hai stream giống hệt nhau. Mỗi ứng dụng đọc stream thứ nhất bằng cách gọi GetRecords mỗi giây một lần trên từng shard, và đọc stream thứ hai qua SubscribeToShard, nơi record được đẩy tới khoảng {ms} ms sau khi vào stream. Thử đổi số ứng dụng rồi xem ai bị throttle và record đến trễ bao lâu.";
    FanOutApply => "Start over with these settings", "Chạy lại với thiết lập này";
    FanOutStep => "+10 s", "+10 giây";
    FanOutPolling => "Shared polling (GetRecords)", "Polling dùng chung (GetRecords)";
    FanOutPush => "Enhanced fan-out (SubscribeToShard)", "Enhanced fan-out (SubscribeToShard)";
    FanOutPollSummary => "{calls} applications poll each shard: {calls} GetRecords calls/s against {max_calls}. Together they read {read} MiB/s of the {limit} MiB/s the shards share. Records written: {written}.",
                         "{calls} ứng dụng cùng polling mỗi shard: {calls} lần gọi GetRecords mỗi giây, trong khi giới hạn là {max_calls}. Cả nhóm đọc được {read} MiB/s trên tổng {limit} MiB/s mà các shard chia chung. Số record đã ghi: {written}.";
    FanOutPushSummary => "Each application has its own 2 MiB/s per shard: {limit} MiB/s in all. Together they read {read} MiB/s. Records written: {written}.",
                         "Mỗi ứng dụng có riêng 2 MiB/s trên mỗi shard, tổng cộng {limit} MiB/s. Cả nhóm đọc được {read} MiB/s. Số record đã ghi: {written}.";
    FanOutApp => "Application", "Ứng dụng";
    FanOutLatencyChart => "Latency from arrival to delivery, share of records", "Độ trễ từ lúc vào stream đến lúc tới ứng dụng, tính theo tỉ lệ record";
    FanOutPollPush => "polling / push", "polling / đẩy";
    NavConsumers => "Consumers", "Consumer";

    // The KCL section of the Consumers page (pages/consumers/kcl.rs).
    KclTitle => "The Kinesis Client Library: workers, leases and checkpoints", "Kinesis Client Library (KCL): worker, lease và checkpoint";
    KclHelp => "A producer writes into the stream orders. Each KCL application keeps its own lease table (a DynamoDB table in the real KCL): one row per shard, saying which worker holds the shard and how far its processing got. Kill a worker and watch: its leases stay in its name until the failover time has passed, then another worker takes them and starts after the last checkpoint, so the records processed since that checkpoint are processed a second time. The same happens, on a smaller scale, when a worker takes a lease from a busier one to even out the load.",
               "Một producer ghi vào stream orders. Mỗi ứng dụng KCL có bảng lease của riêng mình (với KCL thật đó là một bảng DynamoDB): mỗi shard một dòng, cho biết worker nào đang giữ shard và đã xử lý tới đâu. Hãy thử tắt ngang một worker: lease vẫn mang tên nó cho tới khi hết thời gian failover, sau đó worker khác nhận lại và đọc tiếp từ checkpoint cuối cùng, nên những record đã xử lý sau checkpoint đó sẽ bị xử lý thêm một lần nữa. Khi một worker lấy bớt lease của worker bận hơn để chia đều tải, chuyện này cũng xảy ra, chỉ ở quy mô nhỏ hơn.";
    KclSetup => "Stream and producer", "Stream và producer";
    KclShards => "Shards", "Số shard";
    KclRate => "Records per second", "Số record mỗi giây";
    KclApps => "KCL applications", "Ứng dụng KCL";
    KclOneApp => "One: order-service", "Một: order-service";
    KclTwoApps => "Two: order-service and analytics", "Hai: order-service và analytics";
    KclApply => "Start over", "Chạy lại từ đầu";
    KclStep1 => "+1 s", "+1 giây";
    KclStep10 => "+10 s", "+10 giây";
    KclSplitShard => "Shard to split", "Shard cần tách";
    KclSplit => "Split", "Tách shard";
    KclSplitHelp => "Splits the shard at the middle of its hash-key range. Its two children get leases when the parent reaches its end, and no worker reads them before the parent is checkpointed at SHARD_END.",
                    "Shard được tách đôi ở giữa dải hash key. Hai shard con có lease khi shard cha được đọc hết, và không worker nào đọc chúng trước khi shard cha được checkpoint ở SHARD_END.";
    KclSplitRefused => "The stream refused the split:", "Stream từ chối yêu cầu tách:";
    KclTwoAppsHelp => "Two applications read the same stream, each with its own lease table, so each processes every record: this is how Kinesis does what Kafka calls consumer groups. They share the shard's read limits (2 MB/s and 5 GetRecords calls per second).",
                      "Hai ứng dụng cùng đọc một stream, mỗi ứng dụng có bảng lease riêng, nên ứng dụng nào cũng xử lý đủ mọi record: Kinesis làm được điều mà Kafka gọi là consumer group theo cách này. Chúng dùng chung giới hạn đọc của shard (2 MB/s và 5 lần gọi GetRecords mỗi giây).";
    KclWritten => "Records in the stream", "Record đã vào stream";
    KclProcessed => "Records processed", "Record đã xử lý";
    KclUnique => "Distinct records", "Record không trùng";
    KclDuplicates => "Processed again", "Bị xử lý lại";
    KclCheckpoints => "Checkpoints written", "Số lần checkpoint";
    KclIdle => "Idle workers", "Worker đang rảnh";
    KclInRecords => "in {n} distinct records", "rơi vào {n} record khác nhau";
    KclCheckpointEvery => "Checkpoint every", "Checkpoint sau mỗi";
    KclCheckpointKind => "Unit", "Đơn vị";
    KclUnitMillis => "ms of simulated time", "ms thời gian mô phỏng";
    KclUnitRecords => "records", "record";
    KclCheckpointApply => "Apply", "Áp dụng";
    KclCheckpointNow => "The record processor checkpoints {policy}.", "Record processor đang checkpoint {policy}.";
    KclWorkers => "Workers", "Các worker";
    KclAddWorker => "Add a worker", "Thêm worker";
    KclKill => "Kill", "Tắt ngang";
    KclRestart => "Restart", "Khởi động lại";
    KclKillLabel => "Kill {w}", "Tắt ngang {w}";
    KclRestartLabel => "Restart {w} with the same identifier", "Khởi động lại {w} với cùng định danh";
    KclProcessedBy => "{n} records processed", "đã xử lý {n} record";
    KclStateStopped => "stopped", "đã dừng";
    KclStateIdle => "idle: no lease to hold", "rảnh: không có lease nào để giữ";
    KclStateWaiting => "waiting for a parent shard", "đang chờ shard cha";
    KclStateProcessing => "processing", "đang xử lý";
    KclLeaseTable => "Lease table of {app}", "Bảng lease của {app}";
    KclNoOwner => "(nobody yet)", "(chưa ai giữ)";
    KclNoParent => "–", "–";
    KclColumns => "What the columns mean", "Ý nghĩa các cột";
    KclColLeaseKey => "the shard this lease is for", "shard mà lease này ứng với";
    KclColCheckpoint => "the last record the application confirmed as processed: TRIM_HORIZON before the first checkpoint, SHARD_END once a closed shard is done", "record cuối cùng mà ứng dụng xác nhận đã xử lý: TRIM_HORIZON khi chưa checkpoint lần nào, SHARD_END khi một shard đã đóng được xử lý xong";
    KclColSub => "which user record inside a KPL-aggregated record; 0 here, as nothing is aggregated", "vị trí của user record bên trong một record gộp bằng KPL; ở đây luôn là 0 vì không gộp record";
    KclColCounter => "goes up at every renewal, take and checkpoint; a counter that stops moving is how other workers see that the owner died", "tăng lên mỗi lần gia hạn, nhận lease hay checkpoint; khi con số này đứng yên, các worker khác biết chủ lease đã chết";
    KclColOwner => "the worker holding the lease", "worker đang giữ lease";
    KclColSwitches => "how many times the lease changed hands since its last checkpoint", "số lần lease đổi chủ kể từ checkpoint gần nhất";
    KclColParent => "the parent shards, which must be finished before this one is read", "các shard cha, phải được xử lý xong trước khi shard này được đọc";
    KclLog => "What happened", "Diễn biến";
    KclShowBatches => "Show every batch of records", "Hiện từng lô record";
    KclLogEmpty => "Nothing yet: press Play.", "Chưa có gì: hãy bấm Chạy.";
    KclSettings => "KCL settings in use (the KCL's defaults)", "Thiết lập KCL đang dùng (mặc định của KCL)";
    KclSetFailover => "a lease its owner has not renewed for this long may be taken by another worker", "lease mà chủ của nó không gia hạn trong khoảng thời gian này thì worker khác được phép nhận";
    KclSetRenew => "each worker renews its leases this often: failoverTimeMillis / 3 − epsilonMillis", "mỗi worker gia hạn các lease của mình theo chu kỳ này: failoverTimeMillis / 3 − epsilonMillis";
    KclSetTake => "each worker scans the lease table for leases to take this often: (failoverTimeMillis + epsilonMillis) × 2", "mỗi worker quét bảng lease để tìm lease cần nhận theo chu kỳ này: (failoverTimeMillis + epsilonMillis) × 2";
    KclSetSteal => "leases a worker takes from a busier worker at each scan", "số lease một worker lấy từ worker bận hơn trong mỗi lần quét";
    KclSetIdleRead => "pause between two GetRecords calls on a shard", "khoảng nghỉ giữa hai lần gọi GetRecords trên một shard";
    KclSetParent => "how often a child shard checks whether its parents are finished", "chu kỳ shard con kiểm tra xem các shard cha đã xong chưa";
    KclSetSync => "how often shards without a lease get one", "chu kỳ tạo lease cho những shard chưa có";
    ProducersTitle => "Producers: KPL, agents and templates", "Producer: KPL, agent và template";
    ProducersLead => "How data gets into a stream: the Kinesis Producer Library's aggregation, collection and retries, the Kinesis Agent tailing a log, other AWS sources, and record templates. Every number below is computed by the simulation.",
                     "Dữ liệu đi vào stream bằng cách nào: cơ chế aggregation, collection và retry của Kinesis Producer Library, Kinesis Agent đọc đuôi file log, các nguồn AWS khác, và template sinh record. Mọi con số dưới đây đều do bộ mô phỏng tính ra.";
    KplTitle => "The KPL: aggregation beats the records-per-second limit", "KPL: aggregation vượt qua giới hạn số record mỗi giây";
    KplHelp => "An application adds small user records to a stream at a steady rate. Both columns run the Kinesis Producer Library with the same settings, on the same records, in the same simulated time; only AggregationEnabled differs. Without aggregation each user record travels as its own Kinesis record, and a shard takes at most 1,000 of those a second. With aggregation the KPL packs the user records bound for one shard into one Kinesis record of up to AggregationMaxSize (50 KiB), so only the shard's 1 MiB/s counts.",
               "Một ứng dụng đưa các user record nhỏ vào stream với tốc độ đều. Hai cột cùng chạy Kinesis Producer Library với cùng thiết lập, trên cùng những record, trong cùng thời gian mô phỏng; chỉ khác nhau ở AggregationEnabled. Không bật aggregation thì mỗi user record đi thành một Kinesis record riêng, mà mỗi shard chỉ nhận tối đa 1.000 Kinesis record mỗi giây. Bật aggregation thì KPL gom các user record cùng đi về một shard vào chung một Kinesis record, lớn tới AggregationMaxSize (50 KiB), nên chỉ còn giới hạn 1 MiB/s của shard là đáng kể.";
    KplBufferHelp => "RecordMaxBufferedTime is how long a user record may wait for others to join it. A buffer leaves when its oldest record is due, taking younger ones along, so records wait about half of it on average and all of it at most (an aggregated record then waits up to 50 ms more for its PutRecords call). RateLimit holds the KPL to a share of each shard's limits; RecordTtl (30 s) is when a record that still has not got in is given up.",
                     "RecordMaxBufferedTime là thời gian tối đa một user record được chờ để gom cùng các record khác. Bộ đệm được gửi đi khi record cũ nhất tới hạn, kéo theo cả những record đến sau, nên trung bình mỗi record chờ khoảng một nửa thời gian này và lâu nhất là trọn thời gian đó (record đã gom còn có thể chờ thêm tối đa 50 ms để vào lệnh PutRecords). RateLimit giữ KPL ở một tỉ lệ so với giới hạn của mỗi shard; RecordTtl (30 giây) là lúc KPL bỏ cuộc với record mãi chưa vào được stream.";
    KplRetry => "Retries", "Cách thử lại";
    KplRetryRebuffer => "The KPL's: straight back into the buffer, no back-off", "Cách của KPL: đưa ngay lại bộ đệm, không chờ";
    KplRetryBackoff => "A hand-written producer's: exponential back-off with jitter", "Producer tự viết: chờ tăng dần theo hàm mũ, có jitter";
    KplRetryNote => "The KPL documentation says it has no back-off: failed records go back into the buffer with half of RecordMaxBufferedTime, and its rate limiter keeps retries from flooding the shard. The other choice waits a random time up to 100 ms × 2ⁿ (at most 5 s) before attempt n + 1, as SDK-based producers usually do.",
                    "Tài liệu của KPL nói rõ KPL không có back-off: record bị lỗi được đưa lại bộ đệm với hạn bằng một nửa RecordMaxBufferedTime, và bộ giới hạn tốc độ ngăn các lần thử lại dội vào shard. Lựa chọn còn lại chờ một khoảng ngẫu nhiên tối đa 100 ms × 2ⁿ (không quá 5 giây) trước lần thử thứ n + 1, như các producer viết bằng SDK hay làm.";
    KplApply => "Start over with these settings", "Chạy lại với thiết lập này";
    KplWithout => "Without aggregation", "Không bật aggregation";
    KplWith => "With aggregation", "Bật aggregation";
    KplMetric => "Measure", "Chỉ số";
    KplPerSecond => "Per second (last 5 s)", "Mỗi giây (5 giây gần nhất)";
    KplTotal => "Total", "Tổng";
    KplUserIn => "User records added", "User record được thêm vào";
    KplUserPut => "User records stored", "User record đã vào stream";
    KplKinesisPut => "Kinesis records accepted", "Kinesis record được nhận";
    KplThrottled => "Kinesis records throttled", "Kinesis record bị throttle";
    KplBytes => "Bytes accepted (KiB)", "Dung lượng được nhận (KiB)";
    KplCalls => "PutRecords calls", "Lệnh PutRecords";
    KplRetries => "Retries (user records)", "Lần thử lại (user record)";
    KplExpired => "Given up after RecordTtl", "Bị bỏ sau RecordTtl";
    KplWaiting => "Waiting inside the KPL", "Đang chờ trong KPL";
    KplPerKinesis => "User records per Kinesis record", "User record trên mỗi Kinesis record";
    KplLatency => "Latency, added to stored: mean / p99", "Độ trễ từ lúc thêm đến lúc vào stream: trung bình / p99";
    KplLimit => "limit", "giới hạn";
    KplRecordsMeter => "Kinesis records/s against the shards' limit", "Kinesis record/giây so với giới hạn của các shard";
    KplBytesMeter => "Bytes/s against the shards' 1 MiB/s each", "Byte/giây so với 1 MiB/s của mỗi shard";
    KplChart => "Per second: user records stored, Kinesis records accepted, Kinesis records throttled", "Mỗi giây: user record vào stream, Kinesis record được nhận, Kinesis record bị throttle";
    KplChartUser => "user records stored", "user record vào stream";
    KplChartKinesis => "Kinesis records accepted", "Kinesis record được nhận";
    KplChartThrottled => "throttled", "bị throttle";
    KplRunLimit => "The comparison stops after 2 simulated minutes, or once 64 MiB are stored, to keep the page light. Start over to run it again.", "Phần so sánh dừng sau 2 phút mô phỏng, hoặc khi đã lưu 64 MiB, để trang không bị nặng. Bấm chạy lại để xem tiếp.";
    KplDecodedTitle => "One aggregated record, taken apart", "Mổ xẻ một aggregated record";
    KplDecodedHelp => "The newest aggregated record in the right-hand stream, read back by the lab's deaggregator. Its partition key is just \"a\": the KPL routes it with an explicit hash key, the hash key of its first user record, so it lands on the shard its user records were packed for.",
                      "Aggregated record mới nhất trong stream bên phải, được bộ deaggregate của lab đọc lại. Partition key của nó chỉ là \"a\": KPL định tuyến nó bằng explicit hash key, chính là hash key của user record đầu tiên bên trong, nên nó rơi đúng vào shard mà các user record đã được gom cho.";
    KplNoRecordYet => "Press Play: no aggregated record is stored yet.", "Bấm Chạy: chưa có aggregated record nào trong stream.";
    KplLayout => "Layout", "Cấu trúc";
    KplMagic => "Magic bytes", "Magic bytes";
    KplMessage => "Protobuf message (AggregatedRecord)", "Thông điệp protobuf (AggregatedRecord)";
    KplMd5 => "MD5 of the message", "MD5 của thông điệp";
    KplMd5Ok => "matches the message", "khớp với thông điệp";
    KplFirstBytes => "First bytes of the message", "Những byte đầu của thông điệp";
    KplFirstBytesNote => "0A is field 1 (a partition key) with its length next; 1A is field 3 (a record).", "0A là trường 1 (một partition key), ngay sau là độ dài; 1A là trường 3 (một record).";
    KplPkTable => "partition_key_table (field 1)", "partition_key_table (trường 1)";
    KplEhkTable => "explicit_hash_key_table (field 2)", "explicit_hash_key_table (trường 2)";
    KplRecordsField => "records (field 3)", "records (trường 3)";
    KplEntries => "entries", "mục";
    KplShown => "first {n} shown", "hiện {n} mục đầu";
    KplKeyIndex => "partition_key_index", "partition_key_index";
    KplKey => "Partition key", "Partition key";
    KplData => "Data", "Data";
    KplCorrupt => "Flip one bit of the message", "Lật một bit trong thông điệp";
    KplRestore => "Restore the record", "Khôi phục record";
    KplRefused => "The deaggregator refuses it:", "Bộ deaggregate từ chối record này:";
    TplTitle => "Record templates", "Template sinh record";
    TplHelp => "Describe a record once and let the lab fill it in, as the Kinesis Data Generator does. Text is copied as it is; each {{ … }} is replaced by a helper's value. Values come from a seeded generator, so the same template gives the same records.",
               "Mô tả record một lần rồi để lab tự điền, giống như Kinesis Data Generator. Phần chữ được giữ nguyên; mỗi {{ … }} được thay bằng giá trị của một helper. Giá trị lấy từ bộ sinh có seed, nên cùng template sẽ cho cùng những record.";
    TplKey => "Partition key template", "Template cho partition key";
    TplData => "Data template", "Template cho data";
    TplHelpers => "Helpers", "Các helper";
    TplHelperList => "user_id, device, product · number MIN MAX · decimal MIN MAX PLACES · pick \"a\" \"b\" … · now · epoch_ms · seq · uuid · ip · \"text\" (write {{\"{{\"}} for two braces)",
                     "user_id, device, product · number MIN MAX · decimal MIN MAX PLACES · pick \"a\" \"b\" … · now · epoch_ms · seq · uuid · ip · \"chữ\" (viết {{\"{{\"}} để ra hai dấu ngoặc)";
    TplPreview => "First records", "Những record đầu tiên";
    TplSize => "Mean size {bytes} bytes (data and key): one shard takes at most {n} such records per second.", "Kích thước trung bình {bytes} byte (data và key): mỗi shard nhận tối đa {n} record như vậy mỗi giây.";
    TplErrorIn => "Error in the template:", "Lỗi trong template:";
    SrcTitle => "Other producers: the Kinesis Agent, CloudWatch Logs and AWS IoT", "Các producer khác: Kinesis Agent, CloudWatch Logs và AWS IoT";
    AgentTitle => "Kinesis Agent tailing a log file", "Kinesis Agent đọc đuôi một file log";
    AgentHelp => "An application appends lines to a log file; the agent, a small Java service on the same machine, reads each new line and buffers it. A buffer is sent with one PutRecords call when it holds maxBufferSizeRecords lines (500), 5 MiB, or when its first line has waited maxBufferAgeMillis (60 s by default). Each line becomes one record, keyed by a random number by default. Lines the stream throttles are sent again after a wait that doubles from 100 ms to 10 s. The checkpoint is how far into the file every line is safely in the stream: after a restart the agent starts there.",
                 "Một ứng dụng ghi thêm dòng vào file log; agent, một dịch vụ Java nhỏ chạy trên cùng máy, đọc từng dòng mới và đưa vào bộ đệm. Bộ đệm được gửi bằng một lệnh PutRecords khi có đủ maxBufferSizeRecords dòng (500), đủ 5 MiB, hoặc khi dòng đầu tiên đã chờ maxBufferAgeMillis (mặc định 60 giây). Mỗi dòng thành một record, mặc định có partition key là một số ngẫu nhiên. Dòng nào bị stream throttle sẽ được gửi lại sau một khoảng chờ tăng gấp đôi, từ 100 ms đến 10 giây. Checkpoint cho biết tới vị trí nào trong file thì mọi dòng đã nằm an toàn trong stream: khi khởi động lại, agent bắt đầu từ đó.";
    AgentLine => "Log line template", "Template cho dòng log";
    AgentKeys => "partitionKeyOption", "partitionKeyOption";
    AgentKeyRandom => "RANDOM (a random number)", "RANDOM (một số ngẫu nhiên)";
    AgentKeyDeterministic => "DETERMINISTIC (MD5 of the line)", "DETERMINISTIC (MD5 của dòng)";
    AgentFile => "End of the log file", "Cuối file log";
    AgentWritten => "Lines written", "Số dòng đã ghi";
    AgentFileSize => "File size (bytes)", "Kích thước file (byte)";
    AgentBuffered => "Lines in the agent's buffer", "Số dòng trong bộ đệm của agent";
    AgentPut => "Records in the stream", "Số record đã vào stream";
    AgentThrottled => "Records throttled", "Số record bị throttle";
    AgentRetries => "Records sent again", "Số record gửi lại";
    AgentRetrying => "Lines waiting out a back-off", "Số dòng đang chờ để gửi lại";
    AgentCalls => "PutRecords calls", "Lệnh PutRecords";
    AgentCheckpoint => "Checkpoint (bytes into the file)", "Checkpoint (byte tính từ đầu file)";
    AgentBehind => "Bytes written but not yet in the stream", "Số byte đã ghi nhưng chưa vào stream";
    AgentLatency => "Mean time from written to stored", "Thời gian trung bình từ lúc ghi đến lúc vào stream";
    CwlTitle => "CloudWatch Logs subscription filter", "Subscription filter của CloudWatch Logs";
    CwlHelp => "A subscription filter sends a log group's events to a stream. One record carries a batch of events as a JSON document, gzip-compressed (shown here unzipped), and CloudWatch Logs picks the partition key. It may also send CONTROL_MESSAGE records to check that the stream is reachable; consumers skip them. Here each second's events make one record; the real service batches as it sees fit.",
               "Subscription filter gửi các event của một log group vào stream. Mỗi record chứa một lô event dưới dạng một tài liệu JSON đã nén gzip (ở đây hiển thị bản đã giải nén), và CloudWatch Logs tự chọn partition key. Dịch vụ cũng có thể gửi record CONTROL_MESSAGE để kiểm tra stream có tới được không; consumer bỏ qua các record đó. Ở đây event của mỗi giây gộp thành một record; dịch vụ thật gom lô theo cách riêng của nó.";
    IotTitle => "AWS IoT rule with a Kinesis action", "Rule của AWS IoT với action Kinesis";
    IotHelp => "The rule SELECT * FROM 'sensors/+/telemetry' turns every matching MQTT message into one record: the data is the message itself, the partition key is the action's template. With ${topic()} each device keeps to one shard, so its readings stay in order, but three sensors can use at most three of the four shards. With ${newuuid()} records spread over every shard and lose their order per device.",
               "Rule SELECT * FROM 'sensors/+/telemetry' biến mỗi thông điệp MQTT khớp điều kiện thành một record: data chính là thông điệp, partition key lấy theo template của action. Với ${topic()}, mỗi thiết bị luôn đi vào một shard nên số đo của nó giữ đúng thứ tự, nhưng ba cảm biến chỉ dùng được tối đa ba trong bốn shard. Với ${newuuid()}, record trải đều ra mọi shard nhưng mất thứ tự theo từng thiết bị.";
    IotKey => "Partition key", "Partition key";
    SampleRecord => "One record", "Một record";
    PerShard => "Records per shard (4 shards, 10 s)", "Số record mỗi shard (4 shard, 10 giây)";
    ConsumersTitle => "Consumers: fan-out and the KCL", "Consumer: fan-out và KCL";
    ConsumersLead => "How data gets out: several applications polling one stream against enhanced fan-out, and the Kinesis Client Library's workers, leases and checkpoints. Every number below is computed by the simulation.",
                     "Dữ liệu được đọc ra bằng cách nào: nhiều ứng dụng cùng polling một stream so với enhanced fan-out, và worker, lease, checkpoint của Kinesis Client Library. Mọi con số dưới đây đều do bộ mô phỏng tính ra.";
    StreamsTitle => "Stream lab", "Stream lab";
    StreamsLead => "A simulated Kinesis Data Streams account. Type `aws kinesis` commands in the console, add producers, and watch shards fill, throttle, split and expire. Time is simulated: play it, speed it up, or jump ahead.",
                   "Một tài khoản Kinesis Data Streams mô phỏng. Gõ lệnh `aws kinesis` trong console, thêm producer, rồi xem shard đầy lên, bị throttle, được chia tách và hết hạn. Thời gian là mô phỏng: cho chạy, tăng tốc hoặc nhảy tới trước.";
    HomeCardStreamsBody => "Create streams with real `aws kinesis` commands, flood them with producers, split the hot shard, and read the records back.",
                           "Tạo stream bằng lệnh `aws kinesis` thật, dồn dữ liệu bằng producer, tách shard nóng và đọc lại record.";
    Console => "Console", "Console";
    ConsoleHelp => "Enter runs, Tab completes, ↑ and ↓ walk the history. Type help for the list of operations.",
                   "Enter để chạy, Tab để gợi ý, ↑ và ↓ để xem lại lịch sử. Gõ help để xem các lệnh.";
    ConsoleInput => "Command", "Lệnh";
    ExportScript => "Export history as a shell script", "Xuất lịch sử thành shell script";
    ClearConsole => "Clear", "Xoá";
    SimTime => "Simulated time", "Thời gian mô phỏng";
    Play => "Play", "Chạy";
    StepSecond => "+1 s", "+1 giây";
    SkipHour => "Skip 1 h", "Nhảy 1 giờ";
    SkipDay => "Skip 24 h", "Nhảy 24 giờ";
    SeqHelp => "Paste a SequenceNumber from a put-record response, or click a record in a shard lane.", "Dán một SequenceNumber lấy từ kết quả put-record, hoặc bấm vào một record trong làn của shard.";
    ReplayFromHere => "Replay from this record", "Đọc lại từ record này";
    KeepProducing => "Producers keep running while skipping", "Producer vẫn chạy khi nhảy thời gian";
    SkipHelpProducing => "Skipping runs every producer and consumer through the skipped time, in bounded steps.", "Khi nhảy thời gian, mọi producer và consumer vẫn chạy suốt khoảng thời gian đó, từng bước một có giới hạn.";
    SpeedLimited => "The producers' load holds the clock at about {x}× so each tick stays small.", "Tải của các producer giữ đồng hồ ở khoảng {x}× để mỗi nhịp không quá nặng.";
    FastForwarding => "Fast-forwarding…", "Đang tua nhanh…";
    Stop => "Stop", "Dừng";
    MemoryFull => "The lab keeps at most {n} records in memory, so it paused. Remove a producer or lower its rate, or skip ahead with producers paused so old records expire.", "Lab chỉ giữ tối đa {n} record trong bộ nhớ nên đã tạm dừng. Hãy bớt một producer hoặc giảm tốc độ của nó, hoặc nhảy thời gian khi producer đang dừng để record cũ hết hạn.";
    SkipHelp => "Skipping ahead pauses producers; retention keeps running.", "Khi nhảy thời gian, producer tạm dừng; thời hạn lưu giữ vẫn tiếp tục tính.";
    Producers => "Producers", "Producer";
    AddProducer => "Add producer", "Thêm producer";
    Remove => "Remove", "Gỡ bỏ";
    StreamCol => "Stream", "Stream";
    RecordBytes => "Record size (bytes)", "Kích thước record (byte)";
    NoStreams => "No streams yet. Try: aws kinesis create-stream --stream-name orders --shard-count 2", "Chưa có stream nào. Thử: aws kinesis create-stream --stream-name orders --shard-count 2";
    NoStreamForProducer => "Create a stream first: producers need one to write to.", "Hãy tạo stream trước: producer cần một stream để ghi vào.";
    Retention => "Retention", "Thời gian lưu giữ";
    OpenShards => "Open shards", "Shard đang mở";
    Split => "Split", "Tách";
    MergeNext => "Merge with next", "Gộp với shard kề";
    RecordsStored => "records kept", "record đang lưu";
    ThrottledPerSecond => "throttled/s", "bị throttle/s";
    Activity => "Activity", "Hoạt động";
    Parents => "parents", "shard cha";
    Consumers => "Consumers", "Consumer";
    ReadWith => "Read with", "Cách đọc";
    Polling => "GetRecords polling (shared 2 MB/s per shard)", "Polling GetRecords (dùng chung 2 MB/s mỗi shard)";
    EnhancedFanOut => "Enhanced fan-out (own 2 MB/s per shard, pushed)", "Enhanced fan-out (riêng 2 MB/s mỗi shard, được đẩy tới)";
    WriteCapacity => "write capacity", "dung lượng ghi";
    SwitchTo => "Switch to", "Chuyển sang";
    ChartsTitle => "Shard metrics", "Chỉ số theo shard";
    ChartsHelp => "The last 60 simulated seconds, one line per shard, counted from the engine's event log the way CloudWatch names them. The dashed line is a provisioned shard's limit.",
                  "60 giây mô phỏng gần nhất, mỗi shard một đường, đếm từ nhật ký sự kiện của engine theo đúng tên chỉ số trên CloudWatch. Đường nét đứt là giới hạn của một shard provisioned.";
    ShardWord => "shard", "shard";
    ShardLimit => "one provisioned shard's limit", "giới hạn của một shard provisioned";
    ShardGridHelp => "{n} shards are too many to draw each one's records, so each square here is one shard, darker the closer its writes are to the shard's limit (orange: throttled in the last second). Pick a square to see that shard's lane and latest records. Every record is still stored and read as usual.",
                     "{n} shard thì quá nhiều để vẽ record của từng shard, nên mỗi ô vuông ở đây là một shard, càng đậm khi lượng ghi càng sát giới hạn của shard (màu cam: vừa bị throttle trong giây qua). Chọn một ô để xem làn và các record mới nhất của shard đó. Mọi record vẫn được lưu và đọc như bình thường.";
    ShardGridLabel => "Shards of {stream}", "Các shard của {stream}";
    AllShards => "All shards", "Toàn bộ shard";
    ChartBusiest => "busiest shard", "shard bận nhất";
    ChartMean => "mean of the shards", "trung bình các shard";
    ChartQuietest => "quietest shard", "shard rảnh nhất";
    ChartsAggregated => "With {n} shards each chart draws three lines, the busiest shard, the mean and the quietest shard of every second, rather than one line per shard.",
                        "Với {n} shard, mỗi biểu đồ chỉ vẽ ba đường cho từng giây: shard bận nhất, mức trung bình và shard rảnh nhất, thay vì mỗi shard một đường.";
    ChartNoData => "no data yet", "chưa có dữ liệu";
    ChartWriteBytes => "Write MiB/s (IncomingBytes)", "Ghi MiB/giây (IncomingBytes)";
    ChartWriteRecords => "Records/s written (IncomingRecords)", "Số record ghi mỗi giây (IncomingRecords)";
    ChartWriteThrottled => "Throttled puts/s (WriteProvisionedThroughputExceeded)", "Lượt ghi bị throttle mỗi giây (WriteProvisionedThroughputExceeded)";
    ChartReadCalls => "GetRecords calls/s (GetRecords.Success)", "Số lần gọi GetRecords mỗi giây (GetRecords.Success)";
    ChartReadThrottled => "Throttled reads/s (ReadProvisionedThroughputExceeded)", "Lượt đọc bị throttle mỗi giây (ReadProvisionedThroughputExceeded)";
    ChartIteratorAge => "Iterator age, s (MillisBehindLatest)", "Độ trễ của iterator, giây (MillisBehindLatest)";
    ChartCost => "Cost so far, $ over simulated hours", "Chi phí tích luỹ ($) theo giờ mô phỏng";
    BillSoFar => "Bill so far", "Chi phí đến giờ";
    PricesFrom => "Prices for", "Bảng giá cho";
    ConsumersHelp => "Polling consumers call GetRecords on every shard once a second and share each shard's 2 MB/s. Enhanced fan-out consumers are registered and get records pushed about {ms} ms after they arrive, with their own 2 MB/s per shard. Start one at TRIM_HORIZON to replay everything still kept.",
                     "Consumer polling gọi GetRecords trên từng shard mỗi giây một lần và dùng chung 2 MB/s của shard. Consumer enhanced fan-out được đăng ký và nhận record được đẩy tới khoảng {ms} ms sau khi record đến, với 2 MB/s riêng mỗi shard. Cho một consumer bắt đầu ở TRIM_HORIZON để đọc lại mọi thứ còn lưu.";
    StartPosition => "Start position", "Vị trí bắt đầu";
    OneMinuteAgo => "AT_TIMESTAMP (1 minute ago)", "AT_TIMESTAMP (1 phút trước)";
    ParentsFirst => "Read parent shards to their end first", "Đọc hết shard cha trước";
    AddConsumer => "Add consumer", "Thêm consumer";
    ConsumerCol => "Consumer", "Consumer";
    MeanLatency => "Mean latency", "Độ trễ trung bình";
    ThrottledReads => "Throttled reads", "Lần đọc bị throttle";
    OrderViolations => "Keys out of order", "Key sai thứ tự";
    NavQuiz => "Quiz", "Trắc nghiệm";
    NavProgress => "Progress", "Tiến độ";
    HomeCardLessonsBody => "Short hands-on lessons: predict what the service will do, run it, then see why.",
                           "Các bài học ngắn, thực hành ngay: đoán xem dịch vụ sẽ làm gì, chạy thử, rồi hiểu vì sao.";
    HomeCardQuizBody => "Exam-style questions, some generated fresh each time with answers computed by the engine.",
                        "Câu hỏi kiểu đề thi, một phần được sinh mới mỗi lần và đáp án do engine tính.";

    LessonsTitle => "Lessons", "Bài học";
    LessonsLead => "Each lesson asks you to predict, then run the simulation, then explains what happened.",
                   "Mỗi bài học mời bạn dự đoán, chạy mô phỏng, rồi giải thích điều vừa xảy ra.";
    Outline => "Outline section", "Mục trong đề cương";
    StatusDone => "Done", "Đã xong";
    StatusStarted => "In progress", "Đang học";
    StatusNew => "Not started", "Chưa bắt đầu";
    StartLesson => "Start", "Bắt đầu";
    ContinueLesson => "Continue", "Học tiếp";
    Present => "Present", "Trình chiếu";
    LessonNotFound => "There is no lesson with this name.", "Không có bài học nào tên như vậy.";
    StepOf => "Step", "Bước";
    Steps => "Steps", "Các bước";
    Previous => "Previous", "Trước";
    Next => "Next", "Tiếp";
    YourTask => "Your task", "Nhiệm vụ của bạn";
    CheckWork => "Check my work", "Kiểm tra bài làm";
    GoalsMet => "Every goal is met. Lesson complete!", "Đạt mọi mục tiêu. Hoàn thành bài học!";
    GoalsNotYet => "Not yet. Here is what the engine sees:", "Chưa đạt. Đây là những gì engine thấy:";
    GoalPass => "Met", "Đạt";
    GoalFail => "Not met", "Chưa đạt";
    ShowHint => "Show a hint", "Xem gợi ý";
    NoMoreHints => "No more hints.", "Hết gợi ý rồi.";
    Hint => "Hint", "Gợi ý";
    ResetLab => "Reset the lab", "Đặt lại lab";
    LessonComplete => "Completed", "Đã hoàn thành";
    Predict => "Predict first", "Dự đoán trước đã";
    PredictRight => "Your prediction matches what the engine will show. Run it and see.", "Dự đoán của bạn khớp với kết quả engine sẽ cho thấy. Chạy thử để kiểm chứng.";
    PredictWrong => "Keep that guess in mind and run it: the engine will show something else.", "Hãy nhớ dự đoán này rồi chạy thử: engine sẽ cho kết quả khác đấy.";
    ShareNotice => "This link's lab state could not be read, so the lesson starts fresh:", "Không đọc được trạng thái lab trong đường dẫn nên bài học bắt đầu lại từ đầu:";
    ShareReplayNotice => "Part of this link's lab state was rejected by the engine; the lab shows the part that worked:", "Engine từ chối một phần trạng thái trong đường dẫn; lab hiển thị phần hợp lệ:";

    PutRecord => "Put record", "Gửi record (PutRecord)";
    ApplyShards => "Re-create stream", "Tạo lại stream";
    ShardsHelp => "Re-creating the stream with another shard count clears its records.", "Tạo lại stream với số shard khác sẽ xoá hết record hiện có.";
    Lanes => "Records in each shard, in arrival order", "Record trong từng shard, theo thứ tự đến";
    LaneEmpty => "empty", "trống";
    PutNumber => "put", "lần gửi";
    Position => "position", "vị trí";
    RecordsPut => "Records put", "Số record đã gửi";
    Run => "Run", "Chạy";
    LabClockHelp => "The lab's simulated clock. Each console command takes one second; the buttons let hours or days pass at once.",
                    "Đồng hồ mô phỏng của lab. Mỗi lệnh console tốn một giây; các nút bên dưới cho vài giờ hay vài ngày trôi qua trong tích tắc.";
    LetTimePass => "Let time pass", "Cho thời gian trôi";
    WaitSeconds => "Seconds to wait", "Số giây cần chờ";
    Wait => "Wait", "Chờ";
    EpochSeconds => "epoch seconds (for --timestamp)", "giây epoch (dùng cho --timestamp)";
    ProduceTitle => "Producer", "Producer";
    ProduceHelp => "Sends records with random user-id keys at a steady rate for a few simulated seconds, then shows how many the stream throttled.",
                   "Gửi record với key user-id ngẫu nhiên theo một tốc độ đều trong vài giây mô phỏng, rồi cho biết stream đã throttle bao nhiêu record.";
    ProduceStream => "Stream", "Stream";
    ProduceRecordsPerSecond => "Records per second", "Số record mỗi giây";
    ProduceSend => "Send", "Gửi";
    ReadWithIterator => "get-records with this iterator", "get-records với iterator này";
    ApiRefused => "The service refused this request; nothing in the stream changed.", "Dịch vụ từ chối request này; stream không thay đổi gì.";
    WriteCapacityCol => "On-demand write capacity", "Dung lượng ghi on-demand";
    BillItem => "Item", "Khoản";
    BillQuantity => "Quantity", "Số lượng";
    BillPrice => "Unit price", "Đơn giá";
    BillCost => "Cost", "Thành tiền";
    BillTotal => "Total", "Tổng";
    BillEmpty => "Nothing billed yet: time has not passed.", "Chưa tính tiền gì: thời gian chưa trôi.";

    QuizTitle => "Quiz", "Trắc nghiệm";
    QuizLead => "Answer, submit, then review what you missed. The seed in the address makes this exact quiz reproducible: share the link and a class gets the same questions.",
                "Trả lời, nộp bài, rồi xem lại câu sai. Seed trong đường dẫn giúp tạo lại đúng bộ câu hỏi này: gửi đường dẫn là cả lớp nhận cùng đề.";
    Level => "Difficulty", "Độ khó";
    Level1 => "1 · recall", "1 · ghi nhớ";
    Level2 => "2 · apply", "2 · vận dụng";
    Level3 => "3 · combine", "3 · kết hợp";
    QuestionCount => "Questions", "Số câu";
    NewQuiz => "New quiz", "Đề mới";
    Question => "Question", "Câu";
    ChooseOne => "Choose one answer.", "Chọn một đáp án.";
    ChooseAll => "Choose every right answer.", "Chọn tất cả đáp án đúng.";
    EnterNumber => "Enter a number.", "Nhập một số.";
    PutInOrder => "Put these in order with the buttons.", "Dùng các nút để sắp xếp theo đúng thứ tự.";
    MoveUp => "Move up", "Lên";
    MoveDown => "Move down", "Xuống";
    Submit => "Submit answers", "Nộp bài";
    YourScore => "Your score", "Điểm của bạn";
    ByTopic => "By topic", "Theo chủ đề";
    ReviewMissed => "Review what you missed", "Xem lại câu sai";
    NothingMissed => "You missed nothing. Try a harder level.", "Bạn không sai câu nào. Thử mức khó hơn nhé.";
    RightAnswer => "Right answer", "Đáp án đúng";
    YourAnswer => "Your answer", "Bạn trả lời";
    NoAnswer => "no answer", "chưa trả lời";
    LearnIt => "Learn it in the lesson", "Học phần này trong bài";
    NotANumber => "That is not a number.", "Đây không phải là một số.";
    Correct => "Correct", "Đúng";
    Incorrect => "Incorrect", "Sai";
    TopicCol => "Topic", "Chủ đề";
    ScoreCol => "Score", "Điểm";
    ExamQuestion => "Exam question from the outline", "Câu hỏi thi trong đề cương";
    Generated => "Generated for this seed", "Sinh theo seed này";

    ProgressTitle => "My progress", "Tiến độ của tôi";
    ProgressLead => "Your progress stays in this browser. Export it to a file to keep it or move it to another computer.",
                    "Tiến độ được lưu ngay trong trình duyệt này. Hãy xuất ra file để giữ lại hoặc chuyển sang máy khác.";
    LessonsDone => "Lessons done", "Bài học đã xong";
    QuizHistory => "Quiz history", "Lịch sử trắc nghiệm";
    NoQuizzes => "No quizzes taken yet.", "Chưa làm bài trắc nghiệm nào.";
    Export => "Export to a file", "Xuất ra file";
    Import => "Import from a file", "Nhập từ file";
    ResetProgress => "Forget all progress", "Xoá toàn bộ tiến độ";
    ConfirmReset => "Forget all saved progress in this browser?", "Xoá toàn bộ tiến độ đã lưu trong trình duyệt này?";
    Imported => "Progress imported.", "Đã nhập tiến độ.";
    ImportFailed => "That file is not a Kinesis Lab progress file.", "File này không phải file tiến độ của Kinesis Lab.";
    ProgressUnreadable => "Your saved progress could not be read, so the lab started fresh.", "Không đọc được tiến độ đã lưu nên lab bắt đầu lại từ đầu.";
    ProgressNewer => "Your saved progress comes from a newer version of the lab; the parts this version understands were kept.", "Tiến độ đã lưu đến từ phiên bản lab mới hơn; phần mà phiên bản này hiểu được vẫn được giữ.";
    ProgressPartly => "Some saved progress entries were damaged and were dropped; the rest was kept.", "Một số mục tiến độ bị hỏng nên đã bị bỏ; phần còn lại vẫn được giữ.";
    SeedCol => "Seed", "Seed";
    LevelCol => "Level", "Mức";

    PresenterHelp => "→, Space, PageDown: next · ←, PageUp: previous · B or .: blank screen · Esc: leave", "→, Space, PageDown: tiếp · ←, PageUp: lùi · B hoặc .: tắt màn hình · Esc: thoát";
    OpenNotes => "Open speaker notes", "Mở ghi chú người trình bày";
    FullScreen => "Full screen", "Toàn màn hình";
    ExitPresenter => "Leave presenter mode", "Thoát chế độ trình chiếu";
    NotesTitle => "Speaker notes", "Ghi chú người trình bày";
    CurrentStep => "Now", "Hiện tại";
    NextStep => "Next", "Tiếp theo";
    NoNotes => "No notes for this step.", "Bước này không có ghi chú.";
    EndOfLesson => "End of the lesson.", "Hết bài học.";
    Timer => "Time", "Thời gian";
    Blanked => "Screen blanked", "Màn hình đang tắt";
    WaitingForPresenter => "Waiting for the presenter window…", "Đang chờ cửa sổ trình chiếu…";

    BenchTitle => "Engine benchmark", "Đo tốc độ engine";
    BenchLead => "How fast does the engine take records when it runs here, in your browser? This page times the same PutRecords workload as the native benchmark: 32 requests of 500 records (100 bytes each) into a new 16-shard stream. Every record is validated, routed by the MD5 of its partition key, checked against its shard's limits, stored and logged.",
                 "Engine nhận record nhanh đến đâu khi chạy ngay trong trình duyệt của bạn? Trang này bấm giờ đúng khối việc PutRecords mà bản đo native dùng: 32 request, mỗi request 500 record 100 byte, ghi vào một stream mới có 16 shard. Record nào cũng được kiểm tra, định tuyến theo MD5 của partition key, đối chiếu với giới hạn của shard, rồi được lưu và ghi vào nhật ký sự kiện.";
    BenchRounds => "Runs per workload", "Số lượt cho mỗi loại tải";
    BenchRoundsHelp => "Each run puts 16,000 records into a fresh engine; only the puts are timed.", "Mỗi lượt ghi 16.000 record vào một engine mới; chỉ phần ghi được tính giờ.";
    BenchRun => "Run the benchmark", "Bắt đầu đo";
    BenchRunning => "Measuring…", "Đang đo…";
    BenchIdle => "Press the button to measure. The page stays responsive: the work is cut into runs.", "Bấm nút để bắt đầu. Trang vẫn phản hồi trong lúc đo vì việc được chia thành từng lượt.";
    BenchRepeated => "500 keys, used again and again", "500 key dùng đi dùng lại";
    BenchUnique => "A new key for every record", "Mỗi record một key mới";
    BenchNativeTarget => "Native target", "Mục tiêu khi chạy native";
    BenchRatio => "Share of the native target (500 keys)", "Đạt bao nhiêu phần mục tiêu native (500 key)";
    BenchGoalMet => "meets the WebAssembly goal", "đạt mục tiêu cho WebAssembly";
    BenchGoalMissed => "below the WebAssembly goal", "chưa đạt mục tiêu cho WebAssembly";
    BenchPerSecond => "records/s", "record/giây";
    BenchWhy => "Most producers write with keys that come back (one per user, per device), and the engine remembers each key's MD5, so those records cost less. A key never seen before pays for its MD5 every time.",
                "Phần lớn producer ghi với key lặp lại (mỗi người dùng, mỗi thiết bị một key), và engine nhớ MD5 của từng key nên những record ấy tốn ít công hơn. Key chưa gặp bao giờ thì lần nào cũng phải tính MD5.";
    BenchNoClock => "This browser gives the page no high-resolution clock (performance.now), so nothing can be timed.", "Trình duyệt này không cho trang dùng đồng hồ độ phân giải cao (performance.now), nên không đo được.";
    BenchBroken => "The workload was throttled, so the figure would mean nothing; please report this.", "Khối việc đo bị throttle nên con số không còn ý nghĩa; hãy báo lỗi này cho chúng tôi.";

    // Lesson widget: shared polling against enhanced fan-out.
    WfoHelp => "Each press runs a new comparison from zero: the same producer writes into two identical streams for the simulated seconds you choose; every application polls one of them with GetRecords (once a second per shard) and subscribes to the other with SubscribeToShard.",
               "Mỗi lần bấm là một lượt so sánh mới từ đầu: cùng một producer ghi vào hai stream giống hệt nhau trong số giây mô phỏng bạn chọn; mỗi ứng dụng poll một stream bằng GetRecords (mỗi shard một lần mỗi giây) và subscribe stream còn lại bằng SubscribeToShard.";
    WfoRun => "Run the comparison", "Chạy so sánh";
    WfoNone => "No comparison yet: choose the settings and press Run the comparison.", "Chưa có lượt so sánh nào: chọn thiết lập rồi bấm Chạy so sánh.";
    WfoRuns => "Comparisons so far", "Các lượt đã chạy";
    WfoLatest => "Latest comparison", "Lượt so sánh gần nhất";
    WfoBehind => "Behind (ms)", "Chậm (ms)";
    // Lesson widget: a KCL application.
    WkclNone => "No KCL application is running in this lab yet.", "Lab này chưa có ứng dụng KCL nào đang chạy.";
    WkclHelp => "A producer writes 100-byte records into the stream orders while simulated time passes. The application order-service keeps its lease table (a DynamoDB table in the real KCL): one row per shard, naming the worker that holds it and how far processing got. Time only moves when you press a button below.",
                "Một producer ghi các record 100 byte vào stream orders trong lúc thời gian mô phỏng trôi. Ứng dụng order-service giữ bảng lease của nó (trong KCL thật là một bảng DynamoDB): mỗi shard một dòng, ghi worker nào đang giữ shard và việc xử lý đã tới đâu. Thời gian chỉ trôi khi bạn bấm các nút bên dưới.";
    WkclCheckpointMs => "Checkpoint every (ms)", "Checkpoint sau mỗi (ms)";
    WkclCheckpointNow => "Record processors checkpoint every {ms} ms of simulated time.", "Record processor checkpoint sau mỗi {ms} ms thời gian mô phỏng.";
    // Lesson widget: the simulated KPL.
    WkplHelp => "Each press is one run into a fresh stream: user records arrive at a steady rate for the simulated seconds you choose and go through the KPL's stages with its defaults (RateLimit 150 %, RecordTtl 30 s, retries straight back into the buffer). Rates are per second of the run; records still in the KPL at the end are counted apart.",
                "Mỗi lần bấm là một lượt chạy vào một stream mới: user record đến đều đặn trong số giây mô phỏng bạn chọn và đi qua các công đoạn của KPL với thiết lập mặc định (RateLimit 150 %, RecordTtl 30 giây, thử lại bằng cách đưa ngay vào bộ đệm). Tốc độ tính trên mỗi giây của lượt chạy; record còn nằm trong KPL lúc kết thúc được đếm riêng.";
    WkplRun => "Run the producer", "Chạy producer";
    WkplNone => "No run yet: choose the settings and press Run the producer.", "Chưa có lượt chạy nào: chọn thiết lập rồi bấm Chạy producer.";
    WkplRuns => "Runs so far", "Các lượt đã chạy";
    WkplRunCol => "Run", "Lượt chạy";
    WkplOn => "on", "bật";
    WkplOff => "off", "tắt";
    WkplShardsShort => "shard(s)", "shard";
    WkplAggregation => "Aggregation", "Gộp record";
    WkplUserIn => "User records/s in", "User record/giây đưa vào";
    WkplUserStored => "User records/s stored", "User record/giây đã lưu";
    WkplKinesisStored => "Kinesis records/s", "Kinesis record/giây";
    WkplBusiest => "Busiest shard, Kinesis records in one second", "Shard bận nhất, số Kinesis record trong một giây";
    WkplCalls => "PutRecords calls", "Lệnh PutRecords";
    WkplThrottled => "Throttled", "Bị throttle";
    WkplRetries => "Retries", "Lần thử lại";
    WkplWaiting => "Still in the KPL", "Còn trong KPL";
    // Firehose page (issue 6).
    NavFirehose => "Firehose", "Firehose";
    FhTitle => "Firehose: buffer, transform, deliver", "Firehose: đệm, biến đổi, chuyển giao";
    FhLead => "A delivery stream collects records, buffers them until a size or a time is reached, runs your transform, converts and compresses the batch, and delivers it to a destination. Once delivered, the data is gone from Firehose: there is no replay as with a stream.",
              "Một delivery stream gom record vào bộ đệm cho tới khi đủ kích thước hoặc hết thời gian, chạy hàm transform của bạn, chuyển định dạng và nén cả lô, rồi giao tới đích. Đã giao xong là dữ liệu rời khỏi Firehose: không đọc lại được như với một stream.";
    FhConfigTitle => "Delivery stream settings", "Cấu hình delivery stream";
    FhSource => "Source", "Nguồn dữ liệu";
    FhSourceKind => "Records come from", "Record đến từ";
    FhDestKind => "Deliver to", "Giao tới";
    FhTfKind => "Function", "Hàm xử lý";
    FhSourceDirect => "Direct PUT (PutRecordBatch from a producer)", "Direct PUT (producer gọi PutRecordBatch)";
    FhSourceStream => "A Kinesis data stream (Firehose reads it as a consumer)", "Một Kinesis data stream (Firehose đọc như một consumer)";
    FhRate => "Records per second", "Số record mỗi giây";
    FhTemplate => "Record template", "Mẫu record";
    FhTemplateHelp => "Each record is this template filled in, followed by a newline.", "Mỗi record là mẫu này được điền giá trị, thêm một dấu xuống dòng ở cuối.";
    FhBuffering => "Buffering hints", "Gợi ý bộ đệm (buffering hints)";
    FhBufferSize => "Buffer size (MiB)", "Kích thước bộ đệm (MiB)";
    FhBufferInterval => "Buffer interval (s)", "Thời gian đệm (giây)";
    FhBufferHelp => "Firehose delivers when the first of the two is reached: 1–128 MiB (OpenSearch 1–100) and 60–900 s. Splunk is fixed at 5 MiB and 60 s.",
                    "Firehose giao hàng khi một trong hai ngưỡng đạt trước: 1–128 MiB (OpenSearch 1–100) và 60–900 giây. Splunk cố định 5 MiB và 60 giây.";
    FhTransform => "Transformation (Lambda)", "Biến đổi dữ liệu (Lambda)";
    FhTfNone => "None", "Không dùng";
    FhTfFilter => "Built-in: keep records whose field equals a value", "Có sẵn: chỉ giữ record có trường bằng một giá trị";
    FhTfAdd => "Built-in: add a field", "Có sẵn: thêm một trường";
    FhTfCsv => "Built-in: CSV line → JSON", "Có sẵn: dòng CSV → JSON";
    FhTfDropJson => "Built-in: drop malformed JSON", "Có sẵn: bỏ record JSON hỏng";
    FhTfJs => "Your JavaScript", "JavaScript của bạn";
    FhTfField => "Field", "Trường";
    FhTfValue => "Value", "Giá trị";
    FhTfColumns => "Columns, comma-separated", "Các cột, cách nhau bởi dấu phẩy";
    FhJsCode => "Transform code (JavaScript)", "Mã transform (JavaScript)";
    FhJsHelp => "Your handler gets the Lambda event and returns {records: [{recordId, result, data}]}. It runs in a Web Worker with no access to this page; an invocation that takes longer than 2 s is stopped.",
                "Hàm handler nhận sự kiện Lambda và trả về {records: [{recordId, result, data}]}. Mã chạy trong một Web Worker, không chạm được vào trang này; lần gọi nào quá 2 giây sẽ bị dừng.";
    FhJsReset => "Restore the starter code", "Khôi phục mã mẫu";
    FhRetries => "Retries", "Số lần thử lại";
    FhConversion => "Record format conversion", "Chuyển đổi định dạng record";
    FhConvOff => "Off", "Tắt";
    FhConvParquet => "JSON → Apache Parquet", "JSON sang Apache Parquet";
    FhSchema => "Schema (the Glue table's columns)", "Schema (các cột của bảng Glue)";
    FhSchemaHelp => "One column per line, written name:type (types: string, int, bigint, double, boolean, timestamp). Conversion needs S3 as the destination and a buffer of at least 64 MiB; the output is Snappy-compressed.",
                    "Mỗi dòng một cột, viết dạng tên:kiểu (các kiểu: string, int, bigint, double, boolean, timestamp). Muốn chuyển đổi thì đích phải là S3 và bộ đệm ít nhất 64 MiB; file ra được nén Snappy.";
    FhOrcNote => "ORC is not offered: no maintained Rust library writes ORC files, and the lab only makes files that real tools can open.",
                 "Không có ORC: chưa có thư viện Rust nào được duy trì để ghi file ORC, mà lab chỉ tạo những file công cụ thật mở được.";
    FhCompression => "Compression", "Nén";
    FhDestination => "Destination", "Đích";
    FhDestS3 => "Amazon S3", "Amazon S3";
    FhDestRedshift => "Amazon Redshift (staged in S3, then COPY)", "Amazon Redshift (đặt tạm ở S3 rồi COPY)";
    FhDestOpenSearch => "Amazon OpenSearch Service", "Amazon OpenSearch Service";
    FhDestSplunk => "Splunk", "Splunk";
    FhDestHttp => "HTTP endpoint", "HTTP endpoint";
    FhEndpointFail => "The endpoint fails every request", "Endpoint trả lỗi mọi yêu cầu";
    FhEndpointLatency => "Endpoint latency (ms)", "Độ trễ của endpoint (ms)";
    FhRetryDuration => "Retry duration (s)", "Thời gian thử lại (giây)";
    FhBackup => "S3 backup of source records", "Sao lưu record gốc vào S3";
    FhBackupOff => "Disabled", "Tắt";
    FhBackupAll => "All data", "Toàn bộ dữ liệu";
    FhBackupFailed => "Failed data only", "Chỉ dữ liệu lỗi";
    FhPrefix => "S3 prefix", "Tiền tố S3 (prefix)";
    FhPrefixHelp => "Blank: the default YYYY/MM/dd/HH/ layout.", "Để trống: dùng cấu trúc mặc định YYYY/MM/dd/HH/.";
    FhApply => "Create the delivery stream", "Tạo delivery stream";
    FhFixErrors => "Fix the fields marked in red first.", "Hãy sửa các ô được đánh dấu đỏ trước.";
    FhLiveTitle => "The delivery stream at work", "Delivery stream đang chạy";
    FhNotCreated => "Choose the settings and press Create the delivery stream.", "Chọn cấu hình rồi bấm Tạo delivery stream.";
    FhFlush => "Stop the producer and flush", "Dừng producer và xả bộ đệm";
    FhBuffer => "Buffer", "Bộ đệm";
    FhBufferRecords => "records waiting", "record đang chờ";
    FhNextByTime => "Delivers by time in", "Giao theo thời gian sau";
    FhCountReceived => "Received", "Đã nhận";
    FhCountDelivered => "Delivered", "Đã giao";
    FhCountDropped => "Dropped by the transform", "Bị transform loại bỏ";
    FhCountFailed => "Processing failed (error prefix)", "Xử lý lỗi (vào error prefix)";
    FhCountBackedUp => "Backed up to S3", "Đã sao lưu vào S3";
    FhCountRetries => "Retries", "Lần thử lại";
    FhCountInFlight => "Still inside Firehose", "Còn nằm trong Firehose";
    FhDeliveries => "Deliveries", "Các lần giao";
    FhColTime => "Time", "Thời điểm";
    FhColReason => "Reason", "Lý do";
    FhColRecords => "Records", "Record";
    FhColBytes => "Bytes", "Byte";
    FhColWhere => "Where", "Nơi nhận";
    FhReasonSize => "size reached", "đầy kích thước";
    FhReasonTime => "interval passed", "hết thời gian";
    FhReasonFlush => "flushed", "xả thủ công";
    FhNoDeliveries => "No delivery yet.", "Chưa có lần giao nào.";
    FhTransformLog => "Transform", "Transform";
    FhInvocations => "Invocations", "Số lần gọi";
    FhLastError => "Last failure", "Lỗi gần nhất";
    FhConsole => "console output of the last invocation", "console của lần gọi gần nhất";
    FhBucket => "S3 bucket", "Bucket S3";
    FhNoObjects => "The bucket is empty.", "Bucket đang trống.";
    FhObjects => "Objects", "Các object";
    FhPreview => "Preview", "Xem trước";
    FhDownload => "Download", "Tải xuống";
    FhPreviewBinary => "This object is binary (Parquet): download it and open it with pandas or DuckDB.", "Object này là dữ liệu nhị phân (Parquet): hãy tải xuống rồi mở bằng pandas hoặc DuckDB.";
    FhParquetLater => "This page cannot encode Parquet yet (the encoder is to be loaded on demand). The command kinesis-lab firehose writes the same object as a real .parquet file.",
                      "Trang này chưa mã hoá được Parquet (bộ mã hoá sẽ được tải khi cần). Lệnh kinesis-lab firehose ghi đúng object này thành một file .parquet thật.";
    FhPreviewCut => "Preview cut at 64 KiB; the download has every byte.", "Bản xem trước chỉ hiện 64 KiB đầu; file tải xuống có đủ mọi byte.";
    FhSelectObject => "Pick an object to preview it.", "Chọn một object để xem trước.";
    FhRedshift => "Redshift table", "Bảng Redshift";
    FhRedshiftEmpty => "No rows loaded yet.", "Chưa có dòng nào được nạp.";
    FhPrev => "Previous page", "Trang trước";
    FhNext => "Next page", "Trang sau";
    FhOpenSearch => "OpenSearch index", "Index OpenSearch";
    FhSearch => "Search the index", "Tìm trong index";
    FhSearchButton => "Search", "Tìm";
    FhEndpointTimeline => "Endpoint attempts", "Các lần gọi endpoint";
    FhNoAttempts => "No attempt yet.", "Chưa có lần gọi nào.";
    FhColBatch => "Delivery", "Lần giao";
    FhRetrying => "retrying", "đang thử lại";
    FhDocs => "documents", "tài liệu";
    FhColAttempt => "Attempt", "Lần";
    FhColOutcome => "Outcome", "Kết quả";
    FhOutcomeOk => "accepted", "thành công";
    FhOutcomeFail => "failed", "thất bại";
    FhSimTime => "Simulated time", "Thời gian mô phỏng";
    FhSpeed => "Time scale", "Tỉ lệ thời gian";
    FhStep => "+60 s", "+60 giây";
    FhTransformRunning => "The transform is running…", "Transform đang chạy…";
    FhJsEmpty => "Write a handler function (or restore the starter code).", "Hãy viết hàm handler (hoặc khôi phục mã mẫu).";
    FhTimedOut => "no answer before the timeout", "không trả lời trước khi hết thời gian chờ";

    NavSql => "SQL", "SQL";
    NavCompare => "Compare", "So sánh";
    CompareTitle => "Queues and streams: SQS, Kafka and Kinesis side by side", "Hàng đợi và luồng: SQS, Kafka và Kinesis đặt cạnh nhau";
    // The compare guide: tables and decision tree (guide helper).
    GuideTablesTitle => "The seed's comparison tables", "Các bảng so sánh của tài liệu gốc";
    GuideTryIt => "See it", "Xem thử";
    GuideRunScenario => "Run", "Chạy";
    GuideSource => "Source", "Nguồn";
    GuideSeedSaid => "Seed vs docs", "Tài liệu gốc so với tài liệu AWS/Kafka";
    GuideYes => "Yes", "Có";
    GuideNo => "No", "Không";
    GuideBack => "Back", "Quay lại";
    GuideRestart => "Start again", "Làm lại từ đầu";
    GuideKeys => "Keys: Y for yes, N for no, Backspace to go back.", "Phím tắt: Y là có, N là không, Backspace để quay lại.";
    GuidePath => "Your answers so far", "Các câu bạn đã trả lời";
    GuidePathEmpty => "No answers yet.", "Chưa trả lời câu nào.";
    GuideQuestionN => "Question", "Câu hỏi";
    GuideResult => "Recommendation", "Gợi ý";
    GuideWhy => "Why", "Vì sao";
    GuideScenario => "See it happen", "Xem tận mắt";
    GuideOpenScenario => "Open the scenario", "Mở kịch bản";
    GuideNotModelled => "Not simulated in this lab", "Lab này không mô phỏng";
    GuideCaveat => "Careful", "Lưu ý";
    GuideShare => "Link to these answers", "Liên kết tới các câu trả lời này";
    GuideCopyShare => "Copy that link", "Sao chép liên kết đó";
    GuideScenarioHelp => "Pick a situation to fill in the answers that lead to it.", "Chọn một tình huống để điền sẵn các câu trả lời dẫn tới nó.";
    GuideSituation => "Situation", "Tình huống";
    GuideAnswers => "Answers", "Các câu trả lời";
    GuideFillIn => "Fill in", "Điền vào cây";
    GuideBadLink => "The answers in this link could not be read, so the tree starts from the first question.", "Không đọc được các câu trả lời trong liên kết này, nên cây bắt đầu lại từ câu hỏi đầu tiên.";
    GuideDecided => "Recorded for the lesson.", "Đã ghi nhận cho bài học.";
    SqlTitle => "Streaming SQL: Kinesis Data Analytics", "SQL trên luồng dữ liệu: Kinesis Data Analytics";
    SqlLead => "Write a Kinesis Data Analytics application, feed it a stream of stock ticks and watch each window fill up and fire. The SQL is compiled in a background worker; the rows then run through the same engine as the kinesis-lab sql command.",
               "Viết một ứng dụng Kinesis Data Analytics, cho nó đọc một luồng giá cổ phiếu rồi xem từng cửa sổ đầy dần và phát kết quả. Câu SQL được biên dịch trong một worker chạy nền; sau đó các dòng dữ liệu đi qua đúng engine mà lệnh kinesis-lab sql dùng.";
    SqlExamples => "Examples", "Ví dụ";
    SqlExamplesHelp => "Each button loads one of AWS's example applications (verbatim) with a producer that fits its input, then runs it.",
                       "Mỗi nút nạp một ứng dụng mẫu của AWS (giữ nguyên văn) cùng một producer sinh dữ liệu đúng dạng đầu vào của nó, rồi chạy luôn.";
    SqlExTumbling => "Tumbling", "Tumbling";
    SqlExSliding => "Sliding", "Trượt (sliding)";
    SqlExStagger => "Stagger", "Stagger";
    SqlExStagger2 => "Stagger by time", "Stagger theo thời điểm";
    SqlExJoin => "Reference join", "Nối bảng tham chiếu";
    SqlExTopK => "Top-K", "Top-K";
    SqlExDistinct => "Count distinct", "Đếm số giá trị khác nhau";
    SqlExRcf => "Anomaly score", "Điểm bất thường";
    SqlExFlinkTumble => "Flink TUMBLE", "Flink TUMBLE";
    SqlExFlinkHop => "Flink HOP", "Flink HOP";
    SqlExTumblingAbout => "AWS's per-minute MIN and MAX price of each ticker. STEP(ROWTIME BY INTERVAL '60' SECOND) cuts time into one-minute windows; a window emits only when it closes, with ROWTIME = its end.",
                          "Ví dụ của AWS: giá thấp nhất và cao nhất mỗi phút của từng mã. STEP(ROWTIME BY INTERVAL '60' SECOND) chia thời gian thành các cửa sổ một phút; cửa sổ chỉ phát kết quả khi đóng lại, và ROWTIME của kết quả là lúc cửa sổ kết thúc.";
    SqlExSlidingAbout => "One output row for every input row: MIN, MAX and AVG of the same ticker over the minute before it.",
                         "Mỗi dòng vào cho ra ngay một dòng: MIN, MAX và AVG của cùng mã trong một phút tính ngược từ dòng đó.";
    SqlExStaggerAbout => "A window opens with the first row of each (minute, ticker) pair and closes exactly one minute later, so rows of that minute that arrive late still count.",
                         "Cửa sổ mở khi dòng đầu tiên của mỗi cặp (phút, mã) tới và đóng sau đúng một phút, nên những dòng của phút đó đến muộn vẫn được tính.";
    SqlExStagger2About => "AWS's second stagger example groups by ticker and EVENT_TIME. Here every EVENT_TIME differs by the millisecond, so each window holds a single row; AWS's sample data repeats each EVENT_TIME six times.",
                          "Ví dụ stagger thứ hai của AWS gom nhóm theo mã và EVENT_TIME. Ở đây EVENT_TIME nào cũng khác nhau tới từng mili giây, nên mỗi cửa sổ chỉ có một dòng; dữ liệu mẫu của AWS thì lặp lại mỗi EVENT_TIME sáu lần.";
    SqlExJoinAbout => "LEFT JOIN with the reference table CompanyName (the CSV object below): tickers it does not list get NULL as the company.",
                      "LEFT JOIN với bảng tham chiếu CompanyName (object CSV bên dưới): mã nào không có trong bảng thì cột Company là NULL.";
    SqlExTopKAbout => "TOP_K_ITEMS_TUMBLING: the five most traded tickers of each 60-second window, counted with a Space-Saving sketch (approximate, as on AWS).",
                      "TOP_K_ITEMS_TUMBLING: năm mã được giao dịch nhiều nhất trong mỗi cửa sổ 60 giây, đếm bằng sketch Space-Saving (gần đúng, giống trên AWS).";
    SqlExDistinctAbout => "COUNT_DISTINCT_ITEMS_TUMBLING: how many different tickers traded each minute (exact up to 10,000 items, HyperLogLog beyond).",
                          "COUNT_DISTINCT_ITEMS_TUMBLING: mỗi phút có bao nhiêu mã khác nhau được giao dịch (đếm chính xác tới 10.000 phần tử, vượt quá thì dùng HyperLogLog).";
    SqlExRcfAbout => "RANDOM_CUT_FOREST scores each heart-rate reading; the rare 183 bpm spike scores far above the rest. Chart the ANOMALY_SCORE column.",
                     "RANDOM_CUT_FOREST chấm điểm từng lần đo nhịp tim; lần hiếm hoi vọt lên 183 nhịp/phút có điểm cao hơn hẳn. Hãy vẽ biểu đồ cột ANOMALY_SCORE.";
    SqlExFlinkTumbleAbout => "The per-minute count written in Flink SQL: windows on the event time, closed when the watermark passes their end, not by ROWTIME.",
                             "Phép đếm theo phút viết bằng Flink SQL: cửa sổ tính theo thời gian sự kiện và đóng khi watermark vượt qua điểm kết thúc, không dựa vào ROWTIME.";
    SqlExFlinkHopAbout => "A hopping window one minute long that starts every 20 seconds: each row lands in three windows.",
                          "Cửa sổ nhảy (hop) dài một phút, cứ 20 giây lại bắt đầu một cửa sổ mới: mỗi dòng rơi vào ba cửa sổ.";
    SqlEditor => "SQL application", "Ứng dụng SQL";
    SqlEditorHelp => "Ctrl+Enter runs the application. Problems are underlined where they are.", "Nhấn Ctrl+Enter để chạy ứng dụng. Chỗ sai được gạch chân ngay trong câu lệnh.";
    SqlRun => "Run SQL", "Chạy SQL";
    SqlStop => "Stop", "Dừng";
    SqlLoadingCompiler => "Loading the SQL compiler…", "Đang tải trình biên dịch SQL…";
    SqlCompiling => "Checking…", "Đang kiểm tra…";
    SqlCompilerFailed => "The SQL compiler stopped", "Trình biên dịch SQL đã dừng";
    SqlProblems => "Problems", "Lỗi";
    SqlRemarks => "Remarks", "Lưu ý";
    SqlFixFirst => "Fix the problems above, then run again.", "Hãy sửa các lỗi ở trên rồi chạy lại.";
    SqlSource => "Source: a Kinesis data stream", "Nguồn: một Kinesis data stream";
    SqlSourceHelp => "A producer writes records made from this template into the one-shard stream stock-ticks. The application reads it once a second; ROWTIME is the moment it reads each row.",
                     "Một producer ghi các record sinh từ mẫu này vào stream một shard tên stock-ticks. Ứng dụng đọc stream mỗi giây một lần; ROWTIME là thời điểm ứng dụng đọc từng dòng.";
    SqlTemplate => "Record template", "Mẫu record";
    SqlRate => "Records per second", "Số record mỗi giây";
    SqlSchema => "Input schema", "Schema đầu vào";
    SqlSchemaHelp => "The columns of SOURCE_SQL_STREAM_001, discovered from a sample record. Edit the JSON to rename a column or change its type or mapping; APPROXIMATE_ARRIVAL_TIME is added for you.",
                     "Các cột của SOURCE_SQL_STREAM_001, được suy ra từ một record mẫu. Sửa JSON để đổi tên cột, kiểu hoặc ánh xạ của nó; cột APPROXIMATE_ARRIVAL_TIME được tự thêm vào.";
    SqlDiscover => "Discover from a sample", "Suy ra từ record mẫu";
    SqlEditSchema => "Edit the schema", "Sửa schema";
    SqlColName => "Column", "Cột";
    SqlColType => "SQL type", "Kiểu SQL";
    SqlColMapping => "Mapping", "Ánh xạ";
    SqlReference => "Reference data (an S3 object)", "Dữ liệu tham chiếu (một object S3)";
    SqlReferenceHelp => "A CSV object with a header row, loaded as an in-application table under this name. Leave it empty when the SQL needs none.",
                        "Một object CSV có dòng tiêu đề, được nạp thành bảng trong ứng dụng với tên này. Để trống nếu câu SQL không dùng tới.";
    SqlTableName => "Table name", "Tên bảng";
    SqlTableCsv => "CSV", "CSV";
    SqlRunTitle => "Run", "Chạy";
    SqlNotRunning => "Not running yet: press Run SQL, or Ctrl+Enter in the editor.", "Chưa chạy: bấm Chạy SQL, hoặc nhấn Ctrl+Enter trong khung soạn thảo.";
    SqlStep => "+10 s", "+10 giây";
    SqlStepMinute => "+60 s", "+60 giây";
    SqlRecordsRead => "Records read", "Record đã đọc";
    SqlRowsIn => "Rows in", "Dòng vào";
    SqlRowsOut => "Rows out", "Dòng ra";
    SqlRowErrors => "Error stream", "Luồng lỗi";
    SqlBacklog => "Waiting rows", "Dòng đang chờ";
    SqlInputRows => "Input: SOURCE_SQL_STREAM_001 (newest 200)", "Đầu vào: SOURCE_SQL_STREAM_001 (200 dòng mới nhất)";
    SqlOutputRows => "Output (newest 200)", "Đầu ra (200 dòng mới nhất)";
    SqlOutputStream => "In-application stream", "Stream trong ứng dụng";
    SqlNoRows => "No rows yet.", "Chưa có dòng nào.";
    SqlTimeline => "Windows on the timeline", "Các cửa sổ trên trục thời gian";
    SqlTimelineHelp => "One lane per key. A window is a box that fills as time passes while it is open and shows its row count when it fires. The top lane marks every input row.",
                       "Mỗi khoá một làn. Cửa sổ là một ô đầy dần theo thời gian khi còn mở, và hiện số dòng khi phát kết quả. Làn trên cùng đánh dấu từng dòng vào.";
    SqlTimelineInput => "input rows", "dòng vào";
    SqlTimelineSliding => "sliding window of the newest row", "cửa sổ trượt của dòng mới nhất";
    SqlTimelineNone => "This application has no windows: every row goes straight through.", "Ứng dụng này không có cửa sổ: dòng nào vào là đi thẳng ra.";
    SqlTimelineLabel => "Timeline of windows opening and firing", "Trục thời gian các cửa sổ mở và phát kết quả";
    SqlChart => "Chart", "Biểu đồ";
    SqlChartColumn => "Column", "Cột";
    SqlChartEmpty => "Choose a numeric column of an output stream.", "Hãy chọn một cột số của một stream đầu ra.";
    SqlChartLabel => "Line chart of the chosen output column against ROWTIME", "Biểu đồ đường của cột đầu ra đã chọn theo ROWTIME";
    SqlExport => "Input for the CLI", "Dữ liệu vào cho CLI";
    SqlMoreKeys => "more keys not shown", "khoá khác không hiển thị";
    SqlBackPaused => "Paused: too many rows are waiting for the engine. Lower the rate or simplify the query, then press Start.",
                     "Đã tạm dừng: quá nhiều dòng đang chờ engine xử lý. Hãy giảm tốc độ hoặc đơn giản hoá câu lệnh rồi bấm Chạy.";
}

use kinesis_lab_core::lesson::goal::{Goal, Why};
use kinesis_lab_core::quiz::Topic;
use kinesis_lab_core::workload::KeyDistribution;

pub fn distribution(lang: Lang, d: KeyDistribution) -> &'static str {
    match (d, lang) {
        (KeyDistribution::UserIds, _) => T::DistUserIds.get(lang),
        (KeyDistribution::DeviceType, _) => T::DistDeviceType.get(lang),
        (KeyDistribution::DeviceTypeSalted, Lang::En) => "Device type + salt suffix",
        (KeyDistribution::DeviceTypeSalted, Lang::Vi) => "Loại thiết bị + hậu tố muối (salt)",
        (KeyDistribution::Zipf, _) => T::DistZipf.get(lang),
    }
}

pub fn distribution_detail(lang: Lang, d: KeyDistribution) -> &'static str {
    match (d, lang) {
        (KeyDistribution::UserIds, _) => T::DistUserIdsBody.get(lang),
        (KeyDistribution::DeviceType, _) => T::DistDeviceTypeBody.get(lang),
        (KeyDistribution::DeviceTypeSalted, Lang::En) => {
            "mobile-0 … tablet-9: the same skew over 30 keys"
        }
        (KeyDistribution::DeviceTypeSalted, Lang::Vi) => {
            "mobile-0 … tablet-9: cùng độ lệch nhưng trải trên 30 key"
        }
        (KeyDistribution::Zipf, _) => T::DistZipfBody.get(lang),
    }
}

pub fn topic(lang: Lang, t: Topic) -> &'static str {
    match (t, lang) {
        (Topic::Overview, Lang::En) => "The Kinesis family",
        (Topic::Overview, Lang::Vi) => "Họ dịch vụ Kinesis",
        (Topic::Shards, Lang::En) => "Shards and capacity",
        (Topic::Shards, Lang::Vi) => "Shard và dung lượng",
        (Topic::Partitioning, Lang::En) => "Partition keys and ordering",
        (Topic::Partitioning, Lang::Vi) => "Partition key và thứ tự",
        (Topic::Producers, Lang::En) => "Producers",
        (Topic::Producers, Lang::Vi) => "Producer",
        (Topic::Consumers, Lang::En) => "Consumers",
        (Topic::Consumers, Lang::Vi) => "Consumer",
        (Topic::Retention, Lang::En) => "Retention and replay",
        (Topic::Retention, Lang::Vi) => "Lưu giữ và đọc lại",
        (Topic::Firehose, _) => "Firehose",
        (Topic::Analytics, Lang::En) => "SQL analytics",
        (Topic::Analytics, Lang::Vi) => "Phân tích bằng SQL",
        (Topic::Comparison, Lang::En) => "Kinesis, SQS and Kafka",
        (Topic::Comparison, Lang::Vi) => "Kinesis, SQS và Kafka",
    }
}

/// A goal as the student reads it.
pub fn goal(lang: Lang, g: &Goal) -> String {
    match (g, lang) {
        (
            Goal::FirehoseDelivered { .. }
            | Goal::FirehoseDeliveryReason { .. }
            | Goal::FirehoseMinLatency { .. }
            | Goal::FirehoseErrorOutput { .. }
            | Goal::FirehoseDropped { .. }
            | Goal::FirehoseNoReplay { .. }
            | Goal::FirehoseFewerObjects { .. }
            | Goal::FirehoseCompressed { .. }
            | Goal::FirehoseBackedUp { .. },
            _,
        ) => crate::widgets::firehose::goal_text(lang, g),
        (
            Goal::SqlRan { .. }
            | Goal::SqlOneRowPerKeyPerWindow { .. }
            | Goal::SqlOneRowPerInput
            | Goal::SqlSpikeStandsOut { .. }
            | Goal::SqlLateDropped { .. },
            _,
        ) => crate::widgets::sql::goal_text(lang, g),
        (Goal::Compare(g), _) => crate::widgets::compare_text::goal_text(lang, g),
        (Goal::Video(g), _) => crate::widgets::video::goal_text(lang, g),
        (Goal::PutAtLeast { key, count }, Lang::En) => format!("Put at least {count} records with partition key “{key}”."),
        (Goal::PutAtLeast { key, count }, Lang::Vi) => format!("Gửi ít nhất {count} record với partition key “{key}”."),
        (Goal::SharesShard { key, others }, Lang::En) => format!("Put records with at least {others} other key(s) that land on the same shard as “{key}”."),
        (Goal::SharesShard { key, others }, Lang::Vi) => format!("Gửi record với ít nhất {others} key khác rơi vào cùng shard với “{key}”."),
        (Goal::KeysStayOrdered, Lang::En) => "Every key's records sit on one shard, in the order you put them.".into(),
        (Goal::KeysStayOrdered, Lang::Vi) => "Record của mỗi key nằm trên một shard, đúng thứ tự bạn gửi.".into(),
        (Goal::ShardCount { shards }, Lang::En) => format!("The stream keeps {shards} shards."),
        (Goal::ShardCount { shards }, Lang::Vi) => format!("Stream giữ nguyên {shards} shard."),
        (Goal::WorkloadRan, Lang::En) => "Run the workload.".into(),
        (Goal::WorkloadRan, Lang::Vi) => "Chạy workload.".into(),
        (Goal::ShardsUnderWriteLimit { percent }, Lang::En) => format!("No shard above {percent} % of its 1,000 records/s write limit."),
        (Goal::ShardsUnderWriteLimit { percent }, Lang::Vi) => format!("Không shard nào vượt {percent} % giới hạn ghi 1.000 record/s."),
        (Goal::StreamSizedFor { stream, write_mib_per_second, consumers, read_mode, .. }, Lang::En) => format!(
            "Stream “{stream}” has exactly the shards needed for {write_mib_per_second} MB/s of writes read in full by {consumers} {} consumer(s).",
            match read_mode { kinesis_lab_core::stream::capacity::ReadMode::Shared => "shared-throughput", kinesis_lab_core::stream::capacity::ReadMode::EnhancedFanOut => "enhanced fan-out" }
        ),
        (Goal::StreamSizedFor { stream, write_mib_per_second, consumers, read_mode, .. }, Lang::Vi) => format!(
            "Stream “{stream}” có đúng số shard cần cho {write_mib_per_second} MB/s dữ liệu ghi, được {consumers} consumer {} đọc toàn bộ.",
            match read_mode { kinesis_lab_core::stream::capacity::ReadMode::Shared => "dùng chung thông lượng", kinesis_lab_core::stream::capacity::ReadMode::EnhancedFanOut => "enhanced fan-out" }
        ),
        (Goal::AvoidDistributions { .. }, Lang::En) => "Use a different key scheme.".into(),
        (Goal::AvoidDistributions { .. }, Lang::Vi) => "Dùng một cách đặt key khác.".into(),
        (Goal::StreamMode { stream, mode }, Lang::En) => format!("Stream “{stream}” ends in {} mode.", mode.name()),
        (Goal::StreamMode { stream, mode }, Lang::Vi) => format!("Cuối cùng stream “{stream}” ở chế độ {}.", mode.name()),
        (Goal::RetentionAtLeast { stream, hours }, Lang::En) => format!("Stream “{stream}” keeps records for at least {} hours.", int(lang, *hours as u64)),
        (Goal::RetentionAtLeast { stream, hours }, Lang::Vi) => format!("Stream “{stream}” giữ record ít nhất {} giờ.", int(lang, *hours as u64)),
        (Goal::ReadRecords { stream, records, key, iterator_type, older_than_hours }, Lang::En) => {
            let mut s = format!("One get-records call on “{stream}” returns at least {records} record(s)");
            if let Some(k) = key { s.push_str(&format!(" with partition key “{k}”")); }
            if *older_than_hours > 0 { s.push_str(&format!(" that are at least {older_than_hours} hours old")); }
            if let Some(t) = iterator_type { s.push_str(&format!(", reading from a {} iterator", t.name())); }
            s + "."
        }
        (Goal::ReadRecords { stream, records, key, iterator_type, older_than_hours }, Lang::Vi) => {
            let mut s = format!("Một lệnh get-records trên “{stream}” trả về ít nhất {records} record");
            if let Some(k) = key { s.push_str(&format!(" có partition key “{k}”")); }
            if *older_than_hours > 0 { s.push_str(&format!(", đã nằm trong stream ít nhất {older_than_hours} giờ")); }
            if let Some(t) = iterator_type { s.push_str(&format!(", đọc bằng iterator kiểu {}", t.name())); }
            s + "."
        }
        (Goal::ReadEveryRecord { stream, at_least }, Lang::En) => format!("“{stream}” holds at least {at_least} records, and you have read every one of them back."),
        (Goal::ReadEveryRecord { stream, at_least }, Lang::Vi) => format!("“{stream}” chứa ít nhất {at_least} record, và bạn đã đọc lại được tất cả."),
        (Goal::SawError { operation, error }, Lang::En) => format!("See the service refuse {operation} with {error}."),
        (Goal::SawError { operation, error }, Lang::Vi) => format!("Tận mắt thấy dịch vụ từ chối {operation} với lỗi {error}."),
        (Goal::RecoveredFromExpiredIterator { stream }, Lang::En) => format!("Run into ExpiredIteratorException on “{stream}”, then read records again."),
        (Goal::RecoveredFromExpiredIterator { stream }, Lang::Vi) => format!("Gặp lỗi ExpiredIteratorException trên “{stream}”, rồi đọc lại được record."),
        (Goal::BurstAccepted { stream, mode, records_per_second, record_bytes, seconds }, Lang::En) => format!(
            "While “{stream}” is {}, a producer sends {records_per_second} records/s of {} bytes for {seconds} s and none is throttled.",
            mode.name(), int(lang, *record_bytes as u64)
        ),
        (Goal::BurstAccepted { stream, mode, records_per_second, record_bytes, seconds }, Lang::Vi) => format!(
            "Khi “{stream}” đang ở chế độ {}, một producer gửi {records_per_second} record/giây, mỗi record {} byte, trong {seconds} giây mà không record nào bị throttle.",
            mode.name(), int(lang, *record_bytes as u64)
        ),
        (Goal::PollingThrottled { consumers }, Lang::En) => format!("Run a comparison with at least {consumers} applications in which polling readers get throttled."),
        (Goal::PollingThrottled { consumers }, Lang::Vi) => format!("Chạy một lượt so sánh với ít nhất {consumers} ứng dụng mà phía polling bị throttle."),
        (Goal::PushKeptUp { consumers, max_p50_ms }, Lang::En) => format!("In a comparison with at least {consumers} applications, no pushed reader is throttled and each one's median latency is at most {max_p50_ms} ms."),
        (Goal::PushKeptUp { consumers, max_p50_ms }, Lang::Vi) => format!("Trong một lượt so sánh với ít nhất {consumers} ứng dụng, không ứng dụng nhận kiểu push nào bị throttle và độ trễ trung vị của mỗi ứng dụng không quá {max_p50_ms} ms."),
        (Goal::PollingFellBehind { consumers, percent }, Lang::En) => format!("In a comparison with at least {consumers} applications, one polling application receives less than {percent} % of the records the same application receives by push."),
        (Goal::PollingFellBehind { consumers, percent }, Lang::Vi) => format!("Trong một lượt so sánh với ít nhất {consumers} ứng dụng, có một ứng dụng polling nhận được chưa tới {percent} % số record mà chính ứng dụng đó nhận được qua push."),
        (Goal::KclIdleWorkers { idle }, Lang::En) => format!("See at least {idle} running workers sit idle with no lease."),
        (Goal::KclIdleWorkers { idle }, Lang::Vi) => format!("Thấy ít nhất {idle} worker đang chạy mà ngồi không, chẳng giữ lease nào."),
        (Goal::KclFailover, Lang::En) => "Kill a worker that holds a lease, and let other workers take over all of its leases.".into(),
        (Goal::KclFailover, Lang::Vi) => "Tắt ngang một worker đang giữ lease, rồi để các worker khác nhận hết các lease của nó.".into(),
        (Goal::KclRedelivered { at_least }, Lang::En) => format!("After that kill, at least {} records are processed a second time.", int(lang, *at_least)),
        (Goal::KclRedelivered { at_least }, Lang::Vi) => format!("Sau lần tắt ngang đó, có ít nhất {} record bị xử lý lần thứ hai.", int(lang, *at_least)),
        (Goal::KclCaughtUp { lag_seconds }, Lang::En) => format!("In the end, every record that reached the stream more than {lag_seconds} s ago has been processed."),
        (Goal::KclCaughtUp { lag_seconds }, Lang::Vi) => format!("Cuối cùng, mọi record đã vào stream từ hơn {lag_seconds} giây trước đều đã được xử lý."),
        (Goal::KplThrottled { aggregation }, Lang::En) => format!("Run the KPL with aggregation {} and see the stream throttle Kinesis records.", if *aggregation { "on" } else { "off" }),
        (Goal::KplThrottled { aggregation }, Lang::Vi) => format!("Chạy KPL với chế độ gộp record {} và thấy stream throttle các Kinesis record.", if *aggregation { "bật" } else { "tắt" }),
        (Goal::KplBeatRecordLimit { per_shard }, Lang::En) => format!("With aggregation on, store at least {} user records per second per shard, with none expired.", int(lang, *per_shard as u64)),
        (Goal::KplBeatRecordLimit { per_shard }, Lang::Vi) => format!("Khi bật gộp record, lưu được ít nhất {} user record mỗi giây trên mỗi shard, không record nào hết hạn.", int(lang, *per_shard as u64)),
        (Goal::KplBufferLatency { buffered_time_ms, min_p50_ms }, Lang::En) => format!("Run with RecordMaxBufferedTime of at least {} ms and see a median latency of {} ms or more.", int(lang, *buffered_time_ms as u64), int(lang, *min_p50_ms)),
        (Goal::KplBufferLatency { buffered_time_ms, min_p50_ms }, Lang::Vi) => format!("Chạy với RecordMaxBufferedTime ít nhất {} ms và thấy độ trễ trung vị từ {} ms trở lên.", int(lang, *buffered_time_ms as u64), int(lang, *min_p50_ms)),
    }
}

/// A fan-out comparison's settings, short.
pub fn fanout_settings(lang: Lang, r: &kinesis_lab_core::lesson::sims::FanOutRun) -> String {
    match lang {
        Lang::En => format!(
            "{} application(s), {} shard(s), {} records/s × {} bytes, {} s",
            r.consumers, r.shards, int(lang, r.records_per_second as u64), int(lang, r.record_bytes as u64), r.seconds
        ),
        Lang::Vi => format!(
            "{} ứng dụng, {} shard, {} record/giây × {} byte, {} giây",
            r.consumers, r.shards, int(lang, r.records_per_second as u64), int(lang, r.record_bytes as u64), r.seconds
        ),
    }
}

/// One line per finished fan-out comparison.
pub fn fanout_run(lang: Lang, r: &kinesis_lab_core::lesson::sims::FanOutRun) -> String {
    use kinesis_lab_core::lesson::sims::FanOutRun;
    let ms = |v: Option<u64>| v.map(|v| format!("{v} ms")).unwrap_or_else(|| "–".into());
    let least = |s: &[kinesis_lab_core::consumer::fanout::Reader]| int(lang, FanOutRun::least_records(s));
    match lang {
        Lang::En => format!(
            "{}: polling {} throttled calls, worst median {}, fewest records {}; push {} throttled, worst median {}, fewest records {}.",
            fanout_settings(lang, r), int(lang, r.polling_throttled()), ms(FanOutRun::worst_p50(&r.polling)), least(&r.polling),
            int(lang, r.enhanced_throttled()), ms(FanOutRun::worst_p50(&r.enhanced)), least(&r.enhanced)
        ),
        Lang::Vi => format!(
            "{}: polling bị throttle {} lần, trung vị chậm nhất {}, ít record nhất {}; push bị throttle {} lần, trung vị chậm nhất {}, ít record nhất {}.",
            fanout_settings(lang, r), int(lang, r.polling_throttled()), ms(FanOutRun::worst_p50(&r.polling)), least(&r.polling),
            int(lang, r.enhanced_throttled()), ms(FanOutRun::worst_p50(&r.enhanced)), least(&r.enhanced)
        ),
    }
}

/// Why a goal is not met, in words a student understands.
pub fn why(lang: Lang, w: &Why) -> String {
    let shard = |i: &usize| kinesis_lab_core::hash::ShardId(*i as u32).to_string();
    match (w, lang) {
        (
            Why::NoDeliveryStream
            | Why::FirehoseTooFew { .. }
            | Why::FirehoseNoReason { .. }
            | Why::FirehoseWaitedTooLong { .. }
            | Why::FirehoseNoErrorOutput { .. }
            | Why::FirehoseTooFewDropped { .. }
            | Why::FirehoseNotReplayed { .. }
            | Why::FirehoseNoComparison
            | Why::FirehoseTooManyObjects { .. }
            | Why::FirehoseNotCompressed { .. }
            | Why::FirehoseTooFewBackedUp { .. },
            _,
        ) => crate::widgets::firehose::why_text(lang, w),
        (
            Why::NoSqlRun
            | Why::SqlMissingFeature { .. }
            | Why::SqlNoColumn { .. }
            | Why::SqlWrongGroups { .. }
            | Why::SqlNotOnePerInput { .. }
            | Why::SqlNoSpike
            | Why::SqlSpikeNotOut { .. }
            | Why::SqlTooFewLate { .. },
            _,
        ) => crate::widgets::sql::why_text(lang, w),
        (Why::Compare(w), _) => crate::widgets::compare_text::why_text(lang, w),
        (Why::Video(w), _) => crate::widgets::video::why_text(lang, w),
        (Why::TooFewPuts { key, have, need }, Lang::En) if key.is_empty() => format!("No records yet: put at least {need}. You have {have}."),
        (Why::TooFewPuts { key, have, need }, Lang::Vi) if key.is_empty() => format!("Chưa có record nào: hãy gửi ít nhất {need}. Hiện có {have}."),
        (Why::TooFewPuts { key, have, need }, Lang::En) => format!("So far {have} record(s) with key “{key}”; the goal needs {need}."),
        (Why::TooFewPuts { key, have, need }, Lang::Vi) => format!("Mới có {have} record với key “{key}”; mục tiêu cần {need}."),
        (Why::TooFewNeighbours { key, shard: s, have, need }, Lang::En) => format!("“{key}” lives on {}. You have put {have} other key(s) there; the goal needs {need}. Try other keys and watch where the marker lands.", shard(s)),
        (Why::TooFewNeighbours { key, shard: s, have, need }, Lang::Vi) => format!("“{key}” nằm ở {}. Bạn mới gửi {have} key khác vào đó; mục tiêu cần {need}. Thử các key khác và xem vạch đánh dấu rơi vào đâu.", shard(s)),
        (Why::KeySplitOrReordered { key }, Lang::En) => format!("Records of “{key}” are split across shards or out of order."),
        (Why::KeySplitOrReordered { key }, Lang::Vi) => format!("Record của “{key}” bị tách sang nhiều shard hoặc sai thứ tự."),
        (Why::WrongShardCount { have, need }, Lang::En) => format!("The stream has {have} shards; this task keeps {need}. Fix the keys, not the shard count."),
        (Why::WrongShardCount { have, need }, Lang::Vi) => format!("Stream đang có {have} shard; bài này giữ {need} shard. Hãy sửa cách đặt key, đừng đổi số shard."),
        (Why::NoRun, Lang::En) => "Nothing has run with the current settings yet: press Run.".into(),
        (Why::NoRun, Lang::Vi) => "Chưa chạy gì với thiết lập hiện tại: hãy bấm Chạy.".into(),
        (Why::ShardTooBusy { shard: s, records_per_second, allowed, .. }, Lang::En) => format!("{} took {} records/s; the goal allows at most {}.", shard(s), int(lang, records_per_second.round() as u64), int(lang, allowed.round() as u64)),
        (Why::ShardTooBusy { shard: s, records_per_second, allowed, .. }, Lang::Vi) => format!("{} nhận {} record/s; mục tiêu chỉ cho tối đa {}.", shard(s), int(lang, records_per_second.round() as u64), int(lang, allowed.round() as u64)),
        (Why::NoStream { stream }, Lang::En) => format!("There is no stream named “{stream}” yet. Create it in the console."),
        (Why::NoStream { stream }, Lang::Vi) => format!("Chưa có stream nào tên “{stream}”. Hãy tạo nó trong console."),
        (Why::WrongShardsForWorkload { stream, have, need }, Lang::En) if (*have as u64) < *need => format!("“{stream}” has {have} open shards: too few for this workload. Work out which limit needs the most shards: writes, or reads."),
        (Why::WrongShardsForWorkload { stream, have, need }, Lang::Vi) if (*have as u64) < *need => format!("“{stream}” có {have} shard đang mở: quá ít cho workload này. Hãy tính xem giới hạn nào cần nhiều shard nhất: ghi hay đọc."),
        (Why::WrongShardsForWorkload { stream, have, .. }, Lang::En) => format!("“{stream}” has {have} open shards: more than this workload needs, and each shard-hour is billed."),
        (Why::WrongShardsForWorkload { stream, have, .. }, Lang::Vi) => format!("“{stream}” có {have} shard đang mở: nhiều hơn mức workload cần, mà mỗi shard-hour đều tính tiền."),
        (Why::DistributionNotAllowed { distribution: d }, Lang::En) => format!("“{}” is the scheme this task asks you to replace.", distribution(lang, *d)),
        (Why::DistributionNotAllowed { distribution: d }, Lang::Vi) => format!("“{}” chính là cách đặt key mà bài yêu cầu thay thế.", distribution(lang, *d)),
        (Why::WrongMode { stream, have, .. }, Lang::En) => format!("“{stream}” is in {} mode right now.", have.name()),
        (Why::WrongMode { stream, have, .. }, Lang::Vi) => format!("Lúc này “{stream}” đang ở chế độ {}.", have.name()),
        (Why::RetentionTooShort { stream, have, .. }, Lang::En) => format!("“{stream}” keeps records for {} hours: not long enough.", int(lang, *have as u64)),
        (Why::RetentionTooShort { stream, have, .. }, Lang::Vi) => format!("“{stream}” chỉ giữ record {} giờ: chưa đủ lâu.", int(lang, *have as u64)),
        (Why::NotReadYet { stream, best, need }, Lang::En) => format!("No get-records call on “{stream}” has returned such records yet (the best so far returned {best} of the {need} needed)."),
        (Why::NotReadYet { stream, best, need }, Lang::Vi) => format!("Chưa lệnh get-records nào trên “{stream}” trả về đúng loại record cần (tốt nhất mới được {best} trên {need})."),
        (Why::RecordsUnread { stream, kept, need, .. }, Lang::En) if kept < need => format!("“{stream}” holds {kept} record(s); put at least {need}."),
        (Why::RecordsUnread { stream, kept, need, .. }, Lang::Vi) if kept < need => format!("“{stream}” mới có {kept} record; hãy gửi ít nhất {need}."),
        (Why::RecordsUnread { stream, kept, unread, .. }, Lang::En) => format!("{unread} of the {kept} records in “{stream}” have never come back from get-records. Did you read every shard?"),
        (Why::RecordsUnread { stream, kept, unread, .. }, Lang::Vi) => format!("Có {unread} trên {kept} record trong “{stream}” chưa từng được get-records trả về. Bạn đã đọc hết các shard chưa?"),
        (Why::ErrorNotSeen { operation, error }, Lang::En) => format!("No {operation} request has been refused with {error} yet."),
        (Why::ErrorNotSeen { operation, error }, Lang::Vi) => format!("Chưa có request {operation} nào bị từ chối với lỗi {error}."),
        (Why::NoExpiredIterator { stream }, Lang::En) => format!("No read on “{stream}” has failed with ExpiredIteratorException yet. An iterator is good for 5 minutes: what happens if you wait longer before using it?"),
        (Why::NoExpiredIterator { stream }, Lang::Vi) => format!("Chưa lần đọc nào trên “{stream}” gặp ExpiredIteratorException. Iterator chỉ dùng được trong 5 phút: nếu chờ lâu hơn rồi mới dùng thì sao?"),
        (Why::NotRecovered { stream }, Lang::En) => format!("You hit the expired iterator on “{stream}”, but no read has returned records since. Ask for a fresh iterator."),
        (Why::NotRecovered { stream }, Lang::Vi) => format!("Bạn đã gặp iterator hết hạn trên “{stream}”, nhưng từ đó chưa lần đọc nào lấy được record. Hãy xin một iterator mới."),
        (Why::NoBurst { stream }, Lang::En) => format!("No producer run of that size has gone into “{stream}” in that mode yet."),
        (Why::NoBurst { stream }, Lang::Vi) => format!("Chưa có đợt ghi nào cỡ đó vào “{stream}” ở chế độ đó."),
        (Why::BurstThrottled { stream, sent, throttled }, Lang::En) => format!("The last such run into “{stream}” had {} of {} records throttled.", int(lang, *throttled), int(lang, *sent)),
        (Why::BurstThrottled { stream, sent, throttled }, Lang::Vi) => format!("Đợt ghi gần nhất như vậy vào “{stream}” bị throttle {} trên {} record.", int(lang, *throttled), int(lang, *sent)),
        (Why::NoFanOut { consumers }, Lang::En) => format!("No comparison with at least {consumers} applications has run yet."),
        (Why::NoFanOut { consumers }, Lang::Vi) => format!("Chưa có lượt so sánh nào với ít nhất {consumers} ứng dụng."),
        (Why::PollingNotThrottled { consumers }, Lang::En) => format!("Your largest comparison ({consumers} applications) had no polling call throttled. How many GetRecords calls a second can one shard serve?"),
        (Why::PollingNotThrottled { consumers }, Lang::Vi) => format!("Lượt so sánh lớn nhất của bạn ({consumers} ứng dụng) không có lệnh polling nào bị throttle. Một shard phục vụ được bao nhiêu lệnh GetRecords mỗi giây?"),
        (Why::PushTooSlow { consumers, throttled, p50_ms }, Lang::En) => format!("In the last comparison with {consumers} applications, pushed readers had {} throttled calls and a worst median latency of {}.", int(lang, *throttled), p50_ms.map(|v| format!("{v} ms")).unwrap_or_else(|| "(no records)".into())),
        (Why::PushTooSlow { consumers, throttled, p50_ms }, Lang::Vi) => format!("Ở lượt so sánh gần nhất với {consumers} ứng dụng, phía push bị throttle {} lần và độ trễ trung vị chậm nhất là {}.", int(lang, *throttled), p50_ms.map(|v| format!("{v} ms")).unwrap_or_else(|| "(chưa nhận record nào)".into())),
        (Why::PollingKeptUp { consumers, best_percent }, Lang::En) => format!("With at least {consumers} applications, every polling application still got {best_percent} % or more of what its pushed twin got. Send more bytes per second, so that together they need more than the shard's shared 2 MiB/s."),
        (Why::PollingKeptUp { consumers, best_percent }, Lang::Vi) => format!("Với ít nhất {consumers} ứng dụng, mọi ứng dụng polling vẫn nhận được từ {best_percent} % trở lên so với bản sao push của nó. Hãy tăng số byte mỗi giây để tổng nhu cầu đọc vượt 2 MiB/s dùng chung của shard."),
        (Why::NoKcl, Lang::En) => "No KCL application is running: reset the lab.".into(),
        (Why::NoKcl, Lang::Vi) => "Không có ứng dụng KCL nào đang chạy: hãy đặt lại lab.".into(),
        (Why::TooFewIdle { best, need }, Lang::En) => format!("At most {best} worker(s) have been idle at once; the goal needs {need}. How many workers does it take for some to find no shard?"),
        (Why::TooFewIdle { best, need }, Lang::Vi) => format!("Nhiều nhất mới có {best} worker rảnh cùng lúc; mục tiêu cần {need}. Cần bao nhiêu worker thì sẽ có worker không còn shard nào để nhận?"),
        (Why::NoKillWithLeases, Lang::En) => "No worker has been killed while it held a lease.".into(),
        (Why::NoKillWithLeases, Lang::Vi) => "Chưa có worker nào bị tắt ngang trong lúc đang giữ lease.".into(),
        (Why::LeasesNotMoved { worker, leases }, Lang::En) => format!("{} of {worker}'s leases ({}) are still waiting for another worker. A lease can be taken only after failoverTimeMillis without renewal, at a worker's next scan: let more time pass.", leases.len(), leases.join(", ")),
        (Why::LeasesNotMoved { worker, leases }, Lang::Vi) => format!("Còn {} lease của {worker} ({}) đang chờ worker khác nhận. Một lease chỉ bị nhận sau failoverTimeMillis không được gia hạn, vào lần quét kế tiếp của một worker: hãy cho thêm thời gian trôi.", leases.len(), leases.join(", ")),
        (Why::TooFewRedelivered { have, need }, Lang::En) => format!("{} record(s) have been processed again since the kill; the goal needs {}. Were there records processed between the last checkpoint and the kill?", int(lang, *have), int(lang, *need)),
        (Why::TooFewRedelivered { have, need }, Lang::Vi) => format!("Từ lúc tắt ngang mới có {} record bị xử lý lại; mục tiêu cần {}. Giữa lần checkpoint cuối và lúc tắt có record nào được xử lý không?", int(lang, *have), int(lang, *need)),
        (Why::KclBehind { unprocessed }, Lang::En) => format!("{} older record(s) are not processed yet. Is every shard's lease held by a running worker? Let time pass.", int(lang, *unprocessed)),
        (Why::KclBehind { unprocessed }, Lang::Vi) => format!("Còn {} record cũ chưa được xử lý. Lease của mọi shard đã có worker đang chạy giữ chưa? Hãy cho thời gian trôi thêm.", int(lang, *unprocessed)),
        (Why::NoKplRun { aggregation: Some(true) }, Lang::En) => "No producer run with aggregation on yet.".into(),
        (Why::NoKplRun { aggregation: Some(true) }, Lang::Vi) => "Chưa có lượt chạy producer nào bật gộp record.".into(),
        (Why::NoKplRun { aggregation: Some(false) }, Lang::En) => "No producer run with aggregation off yet.".into(),
        (Why::NoKplRun { aggregation: Some(false) }, Lang::Vi) => "Chưa có lượt chạy producer nào tắt gộp record.".into(),
        (Why::NoKplRun { aggregation: None }, Lang::En) => "No producer run with that buffer time yet.".into(),
        (Why::NoKplRun { aggregation: None }, Lang::Vi) => "Chưa có lượt chạy producer nào với thời gian đệm đó.".into(),
        (Why::KplNotThrottled { .. }, Lang::En) => "Nothing was throttled in those runs. A shard takes 1,000 records a second: send more than that into one shard.".into(),
        (Why::KplNotThrottled { .. }, Lang::Vi) => "Các lượt đó không có gì bị throttle. Một shard nhận 1.000 record mỗi giây: hãy gửi nhiều hơn thế vào một shard.".into(),
        (Why::KplTooSlow { per_shard, need, expired }, Lang::En) => format!("Your best run with aggregation stored {} user records/s per shard ({} expired); the goal needs {}.", decimal(lang, *per_shard, 1), int(lang, *expired), int(lang, *need as u64)),
        (Why::KplTooSlow { per_shard, need, expired }, Lang::Vi) => format!("Lượt chạy tốt nhất có gộp record của bạn lưu được {} user record/giây mỗi shard ({} record hết hạn); mục tiêu cần {}.", decimal(lang, *per_shard, 1), int(lang, *expired), int(lang, *need as u64)),
        (Why::KplLatencyTooLow { p50_ms, need }, Lang::En) => format!("The highest median latency among those runs is {}; the goal needs {} ms. Aggregation fills a buffer before its time is up when records come fast: try a slower rate.", p50_ms.map(|v| format!("{v} ms")).unwrap_or_else(|| "unknown".into()), int(lang, *need)),
        (Why::KplLatencyTooLow { p50_ms, need }, Lang::Vi) => format!("Độ trễ trung vị cao nhất trong các lượt đó là {}; mục tiêu cần {} ms. Khi record đến nhanh, bộ đệm gộp đầy trước khi hết giờ: hãy thử tốc độ chậm hơn.", p50_ms.map(|v| format!("{v} ms")).unwrap_or_else(|| "chưa rõ".into()), int(lang, *need)),
    }
}

/// A line of the engine's bill, named in the student's language.
pub fn bill_item(lang: Lang, item: &str) -> String {
    let vi = match item {
        "Shard hours" => "Giờ shard",
        "PUT payload units" => "Đơn vị PUT payload",
        "Extended retention" => "Lưu giữ kéo dài",
        "On-demand stream hours" => "Giờ stream on-demand",
        "On-demand data in" => "Dữ liệu ghi vào (on-demand)",
        "On-demand data out" => "Dữ liệu đọc ra (on-demand)",
        other => other,
    };
    match lang {
        Lang::En => item.to_owned(),
        Lang::Vi => vi.to_owned(),
    }
}

/// A unit of the engine's bill, in the student's language.
pub fn bill_unit(lang: Lang, unit: &str) -> String {
    match (lang, unit) {
        (Lang::Vi, "shard-hour") => "giờ shard".into(),
        (Lang::Vi, "million units") => "triệu đơn vị".into(),
        (Lang::Vi, "stream-hour") => "giờ stream".into(),
        (_, u) => u.to_owned(),
    }
}

/// A producer run's outcome.
pub fn produced(lang: Lang, run: &kinesis_lab_core::lesson::lab::ProduceRun) -> String {
    let mode = kinesis_lab_core::lesson::goal::Mode::of(run.mode).name();
    match lang {
        Lang::En => format!(
            "{} ({mode}): {} records/s × {} bytes for {} s: {} sent, {} throttled.",
            run.stream, int(lang, run.records_per_second as u64), int(lang, run.record_bytes as u64), run.seconds, int(lang, run.sent), int(lang, run.throttled)
        ),
        Lang::Vi => format!(
            "{} ({mode}): {} record/giây × {} byte trong {} giây: gửi {}, bị throttle {}.",
            run.stream, int(lang, run.records_per_second as u64), int(lang, run.record_bytes as u64), run.seconds, int(lang, run.sent), int(lang, run.throttled)
        ),
    }
}

/// A validation error in words, naming the field.
/// A field's name as a form labels it.
pub fn field_label(lang: Lang, f: Field) -> &'static str {
    match (f, lang) {
        (Field::PartitionKey, _) => "PartitionKey",
        (Field::ExplicitHashKey, _) => "ExplicitHashKey",
        (Field::ShardCount, Lang::En) => "Number of shards",
        (Field::ShardCount, Lang::Vi) => "Số shard",
        (Field::RecordRate, Lang::En) => "Records per second",
        (Field::RecordRate, Lang::Vi) => "Số record mỗi giây",
        (Field::Duration, Lang::En) => "Simulated seconds",
        (Field::Duration, Lang::Vi) => "Số giây mô phỏng",
        (Field::RecordBytes, Lang::En) => "Record size (bytes)",
        (Field::RecordBytes, Lang::Vi) => "Kích thước record (byte)",
        (Field::ConsumerCount, Lang::En) => "Consumer applications",
        (Field::ConsumerCount, Lang::Vi) => "Số ứng dụng consumer",
        (Field::RecordMaxBufferedTime, _) => "RecordMaxBufferedTime (ms)",
        (Field::AggregationMaxSize, Lang::En) => "AggregationMaxSize (bytes)",
        (Field::AggregationMaxSize, Lang::Vi) => "AggregationMaxSize (byte)",
        (Field::AggregationMaxCount, _) => "AggregationMaxCount",
        (Field::RateLimit, _) => "RateLimit (%)",
        (Field::RecordTtl, _) => "RecordTtl (ms)",
        (Field::MaxBufferAgeMillis, _) => "maxBufferAgeMillis",
        (Field::MaxBufferSizeRecords, _) => "maxBufferSizeRecords",
    }
}

pub fn validation_error(lang: Lang, e: &ValidationError) -> String {
    let field = field_label(lang, e.field);
    match (&e.problem, lang) {
        (Problem::Empty, Lang::En) => {
            format!("{field} is empty. Kinesis needs at least 1 character.")
        }
        (Problem::Empty, Lang::Vi) => format!("{field} đang trống. Kinesis cần ít nhất 1 ký tự."),
        (Problem::TooLong { len, max }, Lang::En) => {
            format!("{field} has {len} characters; Kinesis allows at most {max}.")
        }
        (Problem::TooLong { len, max }, Lang::Vi) => {
            format!("{field} có {len} ký tự; Kinesis chỉ cho phép tối đa {max}.")
        }
        (Problem::NotDecimal, Lang::En) => {
            format!(
                "{field} must be a whole decimal number: digits only, no sign, no leading zeros."
            )
        }
        (Problem::NotDecimal, Lang::Vi) => {
            format!("{field} phải là số nguyên thập phân: chỉ gồm chữ số, không dấu, không có số 0 ở đầu.")
        }
        (Problem::OutOfRange { min, max }, Lang::En) => {
            format!("{field} must be between {min} and {max}.")
        }
        (Problem::OutOfRange { min, max }, Lang::Vi) => {
            format!("{field} phải nằm trong khoảng {min} đến {max}.")
        }
    }
}

/// Formats an integer with thousands separators as each language writes them.
pub fn int(lang: Lang, n: u64) -> String {
    let sep = match lang {
        Lang::En => ',',
        Lang::Vi => '.',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A number with `places` decimals, in the language's notation.
pub fn decimal(lang: Lang, x: f64, places: usize) -> String {
    let s = format!("{x:.places$}");
    match lang {
        Lang::En => s,
        Lang::Vi => s.replace('.', ","),
    }
}

/// A fraction as a percentage with one decimal, in the language's notation.
pub fn percent(lang: Lang, fraction: f64) -> String {
    let s = format!("{:.1} %", fraction * 100.0);
    match lang {
        Lang::En => s,
        Lang::Vi => s.replace('.', ","),
    }
}

/// "×N" ratio with one decimal.
pub fn ratio(lang: Lang, r: f64) -> String {
    let s = format!("{r:.1}×");
    match lang {
        Lang::En => s,
        Lang::Vi => s.replace('.', ","),
    }
}

pub fn hottest_detail(lang: Lang, share: f64, ratio_even: f64) -> String {
    match lang {
        Lang::En => format!(
            "{} of all records, {} its even share",
            percent(lang, share),
            ratio(lang, ratio_even)
        ),
        Lang::Vi => format!(
            "{} tổng số record, gấp {} phần chia đều",
            percent(lang, share),
            ratio(lang, ratio_even)
        ),
    }
}

pub fn elapsed(lang: Lang, ms: u64, total_ms: u64) -> String {
    let s = |ms: u64| format!("{:.1}", ms as f64 / 1000.0);
    match lang {
        Lang::En => format!("{} s of {} s", s(ms), s(total_ms)),
        Lang::Vi => format!(
            "{} s / {} s",
            s(ms).replace('.', ","),
            s(total_ms).replace('.', ",")
        ),
    }
}

/// Why bytes are not a valid KPL aggregated record, naming the part.
pub fn deaggregation_error(
    lang: Lang,
    e: &kinesis_lab_core::producer::kpl::format::DeaggregationError,
) -> String {
    use kinesis_lab_core::producer::kpl::format::{hex_spaced, DeaggregationError as E};
    match (e, lang) {
        (E::TooShort { len }, Lang::En) => format!("Too short: {len} bytes, but the magic bytes and the MD5 alone take 20."),
        (E::TooShort { len }, Lang::Vi) => format!("Quá ngắn: chỉ có {len} byte, trong khi riêng magic bytes và MD5 đã chiếm 20 byte."),
        (E::BadMagic { found }, Lang::En) => format!("Not an aggregated record: it starts with {} instead of F3 89 9A C2.", hex_spaced(found)),
        (E::BadMagic { found }, Lang::Vi) => format!("Không phải aggregated record: bắt đầu bằng {} thay vì F3 89 9A C2.", hex_spaced(found)),
        (E::Md5Mismatch { stored, computed }, Lang::En) => format!("MD5 mismatch: the record ends with {stored}, but its message hashes to {computed}. It was damaged on the way."),
        (E::Md5Mismatch { stored, computed }, Lang::Vi) => format!("MD5 không khớp: record kết thúc bằng {stored}, nhưng thông điệp bên trong lại băm ra {computed}. Record đã bị hỏng dọc đường."),
        (E::Protobuf { detail }, Lang::En) => format!("The message is not a valid AggregatedRecord ({detail})."),
        (E::Protobuf { detail }, Lang::Vi) => format!("Thông điệp không phải AggregatedRecord hợp lệ ({detail})."),
        (E::MissingField { .. } | E::IndexOutOfRange { .. }, Lang::En) => format!("The message breaks the format: {e}."),
        (E::MissingField { .. } | E::IndexOutOfRange { .. }, Lang::Vi) => format!("Thông điệp sai định dạng: {e}."),
    }
}

/// A template error: where, and what is wrong.
pub fn template_error(lang: Lang, e: &kinesis_lab_core::producer::template::TemplateError) -> String {
    use kinesis_lab_core::producer::template::{TemplateProblem as P, HELPERS};
    let what = match (&e.problem, lang) {
        (P::Empty, Lang::En) => "the template is empty".to_owned(),
        (P::Empty, Lang::Vi) => "template đang trống".to_owned(),
        (P::TooLong { max }, Lang::En) => format!("the template is longer than {max} characters"),
        (P::TooLong { max }, Lang::Vi) => format!("template dài hơn {max} ký tự"),
        (P::Expected { what }, Lang::En) => format!("expected {}", what.join(" or ")),
        (P::Expected { what }, Lang::Vi) => format!("cần có {} ở đây", what.join(" hoặc ")),
        (P::UnknownHelper { name }, Lang::En) => format!("there is no helper `{name}`; try one of {}", HELPERS.join(", ")),
        (P::UnknownHelper { name }, Lang::Vi) => format!("không có helper `{name}`; hãy dùng một trong {}", HELPERS.join(", ")),
        (P::Arguments { helper, usage }, Lang::En) => format!("`{helper}` is written `{usage}`"),
        (P::Arguments { helper, usage }, Lang::Vi) => format!("`{helper}` phải viết là `{usage}`"),
        (P::Unquoted { word }, Lang::En) => format!("put text in double quotes: \"{word}\""),
        (P::Unquoted { word }, Lang::Vi) => format!("hãy đặt chữ trong dấu ngoặc kép: \"{word}\""),
        (P::Reversed { min, max }, Lang::En) => format!("write the smaller bound first: {max} {min}"),
        (P::Reversed { min, max }, Lang::Vi) => format!("hãy viết cận nhỏ trước: {max} {min}"),
        (P::Places { max }, Lang::En) => format!("decimal places go from 0 to {max}"),
        (P::Places { max }, Lang::Vi) => format!("số chữ số thập phân chỉ từ 0 đến {max}"),
    };
    match lang {
        Lang::En => format!("line {}, column {}: {what}", e.line, e.column),
        Lang::Vi => format!("dòng {}, cột {}: {what}", e.line, e.column),
    }
}

/// A delivery stream error beside the field `label` names.
pub fn fh_error(lang: Lang, label: &str, e: &kinesis_lab_core::firehose::FirehoseError) -> String {
    let path = &e.field;
    let what = fh_problem(lang, &e.problem);
    format!("{label} ({path}) {what}.")
}

/// What is wrong with a Firehose setting or request, after its name.
pub fn fh_problem(lang: Lang, p: &kinesis_lab_core::firehose::Problem) -> String {
    use kinesis_lab_core::firehose::Problem as P;
    match (p, lang) {
        (P::OutOfRange { min, max, unit }, Lang::En) => format!("must be between {min} and {max} {unit}"),
        (P::OutOfRange { min, max, unit }, Lang::Vi) => format!("phải nằm trong khoảng {min} đến {max} {unit}"),
        (P::TooLarge { size, max }, Lang::En) => format!("is {} bytes; at most {} are allowed", int(lang, *size), int(lang, *max)),
        (P::TooLarge { size, max }, Lang::Vi) => format!("có {} byte; tối đa chỉ {} byte", int(lang, *size), int(lang, *max)),
        (P::Count { count, min, max }, Lang::En) => format!("has {count} entries; between {min} and {max} are allowed"),
        (P::Count { count, min, max }, Lang::Vi) => format!("có {count} mục; chỉ được từ {min} đến {max}"),
        (P::TooLong { len, max }, Lang::En) => format!("has {len} characters; at most {max} are allowed"),
        (P::TooLong { len, max }, Lang::Vi) => format!("có {len} ký tự; tối đa chỉ {max}"),
        (P::Required, Lang::En) => "is required".to_owned(),
        (P::Required, Lang::Vi) => "không được để trống".to_owned(),
        (P::NotAllowed { why }, Lang::En) => format!("is not allowed here: {}", why.en()),
        (P::NotAllowed { why }, Lang::Vi) => format!("không dùng được ở đây: {}", conflict_vi(*why)),
        (P::Malformed { detail }, Lang::En) => format!("is not valid: {detail}"),
        (P::Malformed { detail }, Lang::Vi) => format!("không hợp lệ: {detail}"),
        (P::Unknown { value }, Lang::En) => format!("has no {value}"),
        (P::Unknown { value }, Lang::Vi) => format!("không có {value}"),
        (P::Throttled, Lang::En) => "is over the throughput quota".to_owned(),
        (P::Throttled, Lang::Vi) => "vượt hạn mức thông lượng".to_owned(),
    }
}

/// Why Firehose refuses a setting, in Vietnamese (core's `Conflict::en` is the English).
fn conflict_vi(c: kinesis_lab_core::firehose::Conflict) -> String {
    use kinesis_lab_core::firehose::config::{SPLUNK_INTERVAL_SECONDS, SPLUNK_SIZE_MIB};
    use kinesis_lab_core::firehose::Conflict as C;
    match c {
        C::SplunkFixedSize => format!("với Splunk, kích thước bộ đệm luôn là {SPLUNK_SIZE_MIB} MiB, không đổi được"),
        C::SplunkFixedInterval => format!("với Splunk, thời gian đệm luôn là {SPLUNK_INTERVAL_SECONDS} giây, không đổi được"),
        C::ConversionReadsJson => "chuyển đổi định dạng chỉ nhận dữ liệu vào là JSON".into(),
        C::OrcNotOffered => "lab không có ORC (chưa có thư viện Rust nào được duy trì để ghi ORC); hãy dùng parquet".into(),
        C::OutputFormatParquet => "định dạng đầu ra phải là parquet".into(),
        C::ConversionS3Only => "khi bật chuyển đổi định dạng, đích duy nhất được phép là Amazon S3".into(),
        C::ConversionUncompressed => "phải là UNCOMPRESSED khi bật chuyển đổi định dạng (file Parquet đã được nén Snappy bên trong)".into(),
        C::RedshiftCompression => "Amazon Redshift chỉ nạp được object trung gian dạng GZIP hoặc UNCOMPRESSED".into(),
        C::BackupDisabledOrAll => "với S3 và Redshift, sao lưu record gốc chỉ có thể là disabled hoặc all_data".into(),
        C::BackupFailedOrAll => "OpenSearch, Splunk và HTTP endpoint luôn sao lưu phần gửi lỗi: chọn failed_data_only hoặc all_data".into(),
        C::S3HasNoEndpoint => "đích S3 không có endpoint mô phỏng nào để chỉnh".into(),
        C::SourceIsFixed => "nguồn của một delivery stream không thể đổi sau khi tạo".into(),
        C::KinesisSourceNoPut => "delivery stream lấy dữ liệu từ một Kinesis data stream nên không nhận lệnh này".into(),
        C::SourceIsDirectPut => "nguồn của delivery stream này là Direct PUT".into(),
        C::ParquetFeatureOff => "phần mã hoá Parquet chưa được nạp (trang sẽ tải nó riêng khi bạn tải file về)".into(),
    }
}

/// How many OpenSearch documents a search matched.
pub fn fh_hits(lang: Lang, n: u64) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 document matches".to_owned(),
        (Lang::En, n) => format!("{} documents match", int(lang, n)),
        (Lang::Vi, n) => format!("{} tài liệu khớp", int(lang, n)),
    }
}

/// A field that needs a whole number.
pub fn fh_not_a_number(lang: Lang, label: &str) -> String {
    match lang {
        Lang::En => format!("{label} must be a whole number."),
        Lang::Vi => format!("{label} phải là một số nguyên."),
    }
}

/// "Page 2 of 5 (43 rows)" under the Redshift table.
pub fn fh_page(lang: Lang, page: usize, pages: usize, rows: u64) -> String {
    match lang {
        Lang::En => format!("Page {page} of {pages} ({} rows)", int(lang, rows)),
        Lang::Vi => format!("Trang {page}/{pages} ({} dòng)", int(lang, rows)),
    }
}

/// Why the student's JavaScript transform produced nothing usable.
pub fn fh_sandbox_error(lang: Lang, e: &crate::pages::firehose::sandbox::SandboxError) -> String {
    use crate::pages::firehose::sandbox::SandboxError as E;
    let secs = |ms: &u32| decimal(lang, *ms as f64 / 1000.0, if ms % 1000 == 0 { 0 } else { 1 });
    match (e, lang) {
        (E::TimedOut { ms }, Lang::En) => format!("timed out after {} s: the worker was stopped and a fresh one started", secs(ms)),
        (E::TimedOut { ms }, Lang::Vi) => format!("quá thời gian {} giây: worker đã bị dừng và một worker mới được tạo", secs(ms)),
        (E::Threw(m), Lang::En) => format!("threw: {m}"),
        (E::Threw(m), Lang::Vi) => format!("ném lỗi: {m}"),
        (E::Compile(m), Lang::En) => format!("the code does not compile: {m}"),
        (E::Compile(m), Lang::Vi) => format!("mã không biên dịch được: {m}"),
        (E::NotRecords(m), Lang::En) => format!("returned something that is not {{records: [...]}}: {m}"),
        (E::NotRecords(m), Lang::Vi) => format!("giá trị trả về không có dạng {{records: [...]}}: {m}"),
        (E::TooLarge(n), Lang::En) => format!("returned {} characters, over Lambda's 6 MB response limit", int(lang, *n as u64)),
        (E::TooLarge(n), Lang::Vi) => format!("trả về {} ký tự, vượt giới hạn phản hồi 6 MB của Lambda", int(lang, *n as u64)),
        (E::NoWorker(m), Lang::En) => format!("the sandbox could not run the code: {m}"),
        (E::NoWorker(m), Lang::Vi) => format!("sandbox không chạy được mã: {m}"),
    }
}

/// "line 7, column 47" for an error's position.
pub fn sql_at(lang: Lang, line: u32, column: u32) -> String {
    match lang {
        Lang::En => format!("line {line}, column {column}"),
        Lang::Vi => format!("dòng {line}, cột {column}"),
    }
}

/// A kind of name ("column", "stream"…) as the compiler reports it, in Vietnamese.
fn sql_what_vi(what: &str) -> String {
    match what {
        "column" => "cột".into(),
        "stream" => "stream".into(),
        "table" => "bảng".into(),
        "function" => "hàm".into(),
        "window" => "cửa sổ".into(),
        "pump" => "pump".into(),
        "stream or table" => "stream hay bảng".into(),
        "string" => "chuỗi".into(),
        "quoted name" => "tên trong ngoặc kép".into(),
        "comment" => "chú thích".into(),
        "output column" => "cột đầu ra".into(),
        "reference table" => "bảng tham chiếu".into(),
        "table function" => "hàm bảng".into(),
        "column of the cursor" => "cột của CURSOR".into(),
        other if other.starts_with("column of ") => format!("cột của {}", &other["column of ".len()..]),
        other => other.into(),
    }
}

/// The compiler's small vocabulary of value forms (TypeMismatch, ArgForm) in Vietnamese.
fn sql_form_vi(form: &str) -> String {
    match form {
        "a number" => "một số".into(),
        "a whole number" => "một số nguyên".into(),
        "a positive number" => "một số dương".into(),
        "an expression" => "một biểu thức".into(),
        "a string (VARCHAR)" => "một chuỗi (VARCHAR)".into(),
        "a TIMESTAMP" => "một giá trị TIMESTAMP".into(),
        "an INTERVAL" => "một INTERVAL".into(),
        "a BOOLEAN" => "một giá trị BOOLEAN".into(),
        "a condition (BOOLEAN)" => "một điều kiện (BOOLEAN)".into(),
        "a value" => "một giá trị".into(),
        "a column name in single quotes" => "tên một cột đặt trong dấu nháy đơn".into(),
        "a multiple of the slide" => "một bội số của bước trượt".into(),
        other => other.into(),
    }
}

/// The compiler's common expectations in Vietnamese (others are SQL words or
/// sqlparser's own phrase, kept as they are).
fn sql_expected_vi(expected: &str) -> String {
    match expected {
        "valid SQL" => "một câu SQL hợp lệ".into(),
        "more" => "phần còn lại của câu lệnh".into(),
        "an expression" => "một biểu thức".into(),
        "a name" => "một cái tên".into(),
        "the end of the statement (a ;)" => "dấu kết thúc câu lệnh (;)".into(),
        "a statement (CREATE STREAM, CREATE PUMP, SELECT STREAM …)" => {
            "một câu lệnh (CREATE STREAM, CREATE PUMP, SELECT STREAM …)".into()
        }
        "a column type (INTEGER, DOUBLE, VARCHAR(n), TIMESTAMP …)" => {
            "một kiểu cột (INTEGER, DOUBLE, VARCHAR(n), TIMESTAMP …)".into()
        }
        other => other.into(),
    }
}

/// A SQL error in the reader's language. Variants the page does not know
/// yet fall back to the compiler's English wording.
pub fn sql_error(lang: Lang, kind: &kinesis_lab_core::analytics::SqlErrorKind) -> String {
    use kinesis_lab_core::analytics::SqlErrorKind as K;
    match (lang, kind) {
        (Lang::Vi, K::Syntax { expected, found }) => {
            format!("chỗ này cần {}, nhưng lại gặp {found}", sql_expected_vi(expected))
        }
        (Lang::Vi, K::Unknown { what, name }) => format!("không có {} nào tên là {name}", sql_what_vi(what)),
        (Lang::Vi, K::Other(s)) => s.clone(),
        (Lang::Vi, K::UnexpectedEnd { expected }) => {
            format!("câu lệnh kết thúc quá sớm: còn thiếu {}", sql_expected_vi(expected))
        }
        (Lang::Vi, K::Unterminated { what }) => format!("{} này chưa được đóng lại", sql_what_vi(what)),
        (Lang::Vi, K::BadToken { message }) => format!("không đọc được câu SQL ở chỗ này: {message}"),
        (Lang::Vi, K::TooDeep) => "biểu thức lồng nhau quá sâu; hãy tách ra thành các biểu thức đơn giản hơn".into(),
        (Lang::Vi, K::Unsupported { what }) => format!("lab này chưa hỗ trợ {what}"),
        (Lang::Vi, K::Duplicate { what, name }) => format!("{} {name} được khai báo hai lần", sql_what_vi(what)),
        (Lang::Vi, K::Ambiguous { name }) => {
            format!("{name} là cột của nhiều stream hoặc bảng ở đây; hãy ghi rõ nguồn (s.{name})")
        }
        (Lang::Vi, K::TypeMismatch { expected, found }) => {
            format!("chỗ này cần {}, nhưng lại là {found}", sql_form_vi(expected))
        }
        (Lang::Vi, K::ArgCount { func, expected, given }) => format!("{func} nhận {expected} đối số chứ không phải {given}"),
        (Lang::Vi, K::ArgRange { func, arg, min, max, given }) => {
            format!("đối số {arg} của {func} phải nằm trong khoảng {min} đến {max}, không phải {given}")
        }
        (Lang::Vi, K::ArgForm { func, arg, expected }) => {
            format!("đối số {arg} của {func} phải là {}", sql_form_vi(expected))
        }
        (Lang::Vi, K::GroupByNotMonotonic) => "GROUP BY trong truy vấn trên luồng cần một biểu thức thời gian đơn điệu, \
            không phải hằng số, chẳng hạn STEP(ROWTIME BY INTERVAL '60' SECOND) hay FLOOR(ROWTIME TO MINUTE): thiếu nó thì \
            nhóm không bao giờ đóng lại, và truy vấn sẽ không bao giờ cho ra dòng nào"
            .into(),
        (Lang::Vi, K::OrderByNotMonotonic) => {
            "ORDER BY trong truy vấn trên luồng phải bắt đầu bằng một biểu thức thời gian đơn điệu, chẳng hạn FLOOR(ROWTIME TO SECOND)".into()
        }
        (Lang::Vi, K::AggregateInWhere) => "không dùng được hàm gộp (COUNT, SUM, …) trong WHERE; muốn lọc nhóm thì dùng HAVING".into(),
        (Lang::Vi, K::AggregateWithoutWindow { func }) => {
            format!("{func} trên một luồng cần có cửa sổ: GROUP BY STEP(ROWTIME BY …), WINDOWED BY STAGGER(…) hoặc OVER w")
        }
        (Lang::Vi, K::NestedAggregate) => "không thể đặt một hàm gộp bên trong một hàm gộp khác".into(),
        (Lang::Vi, K::NotGrouped { column }) => {
            format!("{column} phải có trong GROUP BY hoặc nằm trong một hàm gộp, ví dụ MIN({column})")
        }
        (Lang::Vi, K::WindowUnbounded { following: true }) => {
            "không được dùng UNBOUNDED FOLLOWING: cửa sổ không thể chờ những dòng chưa tới".into()
        }
        (Lang::Vi, K::WindowUnbounded { following: false }) => {
            "không được dùng UNBOUNDED PRECEDING: cửa sổ trên luồng phải có kích thước hữu hạn".into()
        }
        (Lang::Vi, K::WindowNegative) => "cửa sổ không thể có kích thước âm".into(),
        (Lang::Vi, K::WindowOffset) => "cửa sổ phải kết thúc ở dòng hiện tại (chưa hỗ trợ cửa sổ lệch)".into(),
        (Lang::Vi, K::WindowZeroPreceding) => "không dùng 0 PRECEDING ở đây; hãy viết CURRENT ROW".into(),
        (Lang::Vi, K::WindowOrderBy) => "không dùng ORDER BY trong cửa sổ; các dòng vốn đã theo thứ tự ROWTIME".into(),
        (Lang::Vi, K::WindowNoFrame) => {
            "cửa sổ cần có kích thước: RANGE INTERVAL 'n' đơn vị PRECEDING hoặc ROWS n PRECEDING".into()
        }
        (Lang::Vi, K::WindowFrameForm { found }) => {
            format!("cần RANGE INTERVAL 'n' SECOND|MINUTE|HOUR PRECEDING hoặc ROWS n PRECEDING, nhưng lại gặp {found}")
        }
        (Lang::Vi, K::WindowOverHour { ms }) => {
            format!("cửa sổ trượt này dài {} phút; nên giữ cửa sổ không quá một giờ", ms / 60_000)
        }
        (Lang::Vi, K::StaggerWithoutRange) => {
            "STAGGER cần có RANGE INTERVAL …: WINDOWED BY STAGGER (PARTITION BY … RANGE INTERVAL '1' MINUTE)".into()
        }
        (Lang::Vi, K::StaggerWithoutWindowedBy) => "STAGGER phải được viết là WINDOWED BY STAGGER (…)".into(),
        (Lang::Vi, K::PumpWithoutInsert { pump }) => format!("sau pump {pump} phải là INSERT INTO một stream, rồi mới tới câu SELECT"),
        (Lang::Vi, K::InsertArity { target, columns, values }) => {
            format!("INSERT INTO {target} liệt kê {columns} cột nhưng câu SELECT cho ra {values} giá trị")
        }
        (Lang::Vi, K::InsertIntoInput) => {
            "pump không được ghi vào SOURCE_SQL_STREAM_001; chỉ nguồn dữ liệu mới ghi vào stream đó".into()
        }
        (Lang::Vi, K::PumpCycle { pump }) => format!("pump {pump} nằm trong một vòng các pump ghi qua lại cho nhau"),
        (Lang::Vi, K::FlinkWindowGroup) => "truy vấn TUMBLE hoặc HOP phải GROUP BY window_start, window_end".into(),
        (Lang::Vi, K::DistinctInWindow) => "không dùng được hàm gộp DISTINCT trên cửa sổ trượt".into(),
        (Lang::Vi, K::NoNumericColumns { func }) => {
            format!("{func} cần ít nhất một cột số (INTEGER, BIGINT, REAL, DOUBLE …) trong dữ liệu vào")
        }
        (Lang::Vi, K::BadLiteral { what, text }) => format!("{text} không phải là một {what} hợp lệ"),
        (_, k) => k.en(),
    }
}

/// Why the engine refused an input or stopped.
pub fn sql_engine_error(lang: Lang, e: &kinesis_lab_core::analytics::engine::EngineError) -> String {
    use kinesis_lab_core::analytics::engine::EngineError as E;
    match (lang, e) {
        (Lang::Vi, E::TimeWentBack { last, given }) => {
            format!("ROWTIME không được lùi lại: dòng trước ở {last} ms, dòng này ở {given} ms")
        }
        (Lang::Vi, E::Arity { expected, given }) => {
            format!("dòng vào có {given} cột, nhưng stream đầu vào có {expected} cột")
        }
        (Lang::Vi, E::Table { table, problem }) => format!("bảng tham chiếu {table}: {problem}"),
        (Lang::Vi, E::Limit { pump, what, limit }) => {
            use kinesis_lab_core::analytics::engine::limit_what as W;
            let what = match what.as_str() {
                W::OPEN_GROUPS => "nhóm đang mở",
                W::OPEN_PARTITIONS => "phân vùng đang mở",
                W::OPEN_STAGGER_WINDOWS => "cửa sổ stagger đang mở",
                W::DISTINCT_VALUES => "giá trị khác nhau được giữ lại",
                W::SLIDING_ROWS => "dòng trong các cửa sổ trượt",
                W::PEER_ROWS => "dòng có cùng một ROWTIME",
                W::ORDER_BY_ROWS => "dòng đang giữ lại cho ORDER BY",
                other => other,
            };
            format!("pump {pump} đã dừng: vượt quá {} {what}", int(lang, *limit))
        }
        (_, e) => e.en(),
    }
}

/// The compiler's summary of a good application.
pub fn sql_compiled(lang: Lang, streams: usize, pumps: usize) -> String {
    match lang {
        Lang::En => format!(
            "Compiled: {streams} in-application stream{}, {pumps} pump{}.",
            if streams == 1 { "" } else { "s" },
            if pumps == 1 { "" } else { "s" }
        ),
        Lang::Vi => format!("Biên dịch xong: {streams} stream trong ứng dụng, {pumps} pump."),
    }
}

/// Records the input schema could not map (they go to the error stream, as on AWS).
pub fn sql_mapping_error(lang: Lang, problem: &str) -> String {
    match lang {
        Lang::En => format!("A record did not fit the input schema and went to the error stream: {problem}"),
        Lang::Vi => format!("Một record không khớp schema đầu vào nên bị chuyển vào luồng lỗi: {problem}"),
    }
}

/// The engine is behind the page's clock.
pub fn sql_behind(lang: Lang, rows: u64) -> String {
    match lang {
        Lang::En => format!("The engine is {} rows behind the clock and works through a few thousand per frame.", int(lang, rows)),
        Lang::Vi => format!("Engine đang chậm hơn đồng hồ {} dòng và xử lý dần vài nghìn dòng mỗi khung hình.", int(lang, rows)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_present_in_both_languages() {
        for t in T::ALL {
            for lang in Lang::ALL {
                assert!(!t.get(lang).trim().is_empty(), "{t:?} is empty in {lang:?}");
            }
        }
    }

    #[test]
    fn sentences_are_translated_not_copied() {
        // Short labels may be the same API term in both languages; sentences must differ.
        for t in T::ALL {
            let en = t.get(Lang::En);
            if en.split_whitespace().count() >= 4 {
                assert_ne!(en, t.get(Lang::Vi), "{t:?} is not translated");
            }
        }
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(int(Lang::En, 1234567), "1,234,567");
        assert_eq!(int(Lang::Vi, 1234567), "1.234.567");
        assert_eq!(int(Lang::En, 999), "999");
        assert_eq!(int(Lang::En, 0), "0");
    }

    #[test]
    fn errors_name_the_field_in_both_languages() {
        let e = ValidationError::new(Field::PartitionKey, Problem::TooLong { len: 300, max: 256 });
        assert!(validation_error(Lang::En, &e).contains("PartitionKey has 300 characters"));
        assert!(validation_error(Lang::Vi, &e).contains("PartitionKey có 300 ký tự"));
    }
}

/// Progress of the benchmark page: runs done out of all.
pub fn bench_progress(lang: Lang, done: u32, total: u32) -> String {
    match lang {
        Lang::En => format!("Run {} of {}", int(lang, done as u64), int(lang, total as u64)),
        Lang::Vi => format!("Đã xong {} trên {} lượt", int(lang, done as u64), int(lang, total as u64)),
    }
}

/// The WebAssembly goal: `ratio` of the native target, in records/s.
pub fn bench_goal(lang: Lang, ratio: f64, records_per_second: u64) -> String {
    match lang {
        Lang::En => format!(
            "The goal in WebAssembly is at least {} of the native target: {} records/s.",
            decimal(lang, ratio, 1),
            int(lang, records_per_second)
        ),
        Lang::Vi => format!(
            "Với WebAssembly, mục tiêu là tối thiểu {} lần mục tiêu native, tức {} record/giây.",
            decimal(lang, ratio, 1),
            int(lang, records_per_second)
        ),
    }
}

/// A KCL checkpoint as the log and the lease table show it: a sentinel
/// (TRIM_HORIZON, LATEST, SHARD_END) or the record's position in its shard.
pub fn kcl_checkpoint(cp: &kinesis_lab_core::consumer::kcl::Checkpoint) -> String {
    match cp.seq_index() {
        Some(i) => format!("#{i}"),
        None => cp.to_string(),
    }
}

/// A KCL record processor's checkpoint policy in words.
pub fn kcl_policy(lang: Lang, p: kinesis_lab_core::consumer::kcl::CheckpointPolicy) -> String {
    use kinesis_lab_core::consumer::kcl::CheckpointPolicy as P;
    match (p, lang) {
        (P::Millis(ms), Lang::En) => format!("every {} ms of simulated time", int(lang, ms)),
        (P::Millis(ms), Lang::Vi) => format!("sau mỗi {} ms thời gian mô phỏng", int(lang, ms)),
        (P::Records(n), Lang::En) => format!("every {} records", int(lang, n)),
        (P::Records(n), Lang::Vi) => format!("sau mỗi {} record", int(lang, n)),
    }
}

/// A rejected KCL input, naming the setting.
pub fn kcl_error(lang: Lang, e: &kinesis_lab_core::consumer::kcl::KclError) -> String {
    use kinesis_lab_core::consumer::kcl::KclProblem as P;
    let f = e.field.name();
    match (&e.problem, lang) {
        (P::OutOfRange { min, max }, Lang::En) => format!(
            "{f} must be a whole number from {} to {}.",
            int(lang, *min),
            int(lang, *max)
        ),
        (P::OutOfRange { min, max }, Lang::Vi) => format!(
            "{f} phải là số nguyên trong khoảng {} đến {}.",
            int(lang, *min),
            int(lang, *max)
        ),
        (P::NotANumber, Lang::En) => format!("{f} must be a whole number, written with digits only."),
        (P::NotANumber, Lang::Vi) => format!("{f} phải là số nguyên, chỉ viết bằng chữ số."),
        (P::BadName, Lang::En) => format!("{f} must be 3 to 255 letters, digits, '_', '-' or '.'."),
        (P::BadName, Lang::Vi) => format!("{f} phải dài từ 3 đến 255 ký tự, chỉ gồm chữ cái, chữ số, '_', '-' hoặc '.'."),
        (P::NoSuchStream, Lang::En) => format!("{f}: there is no such stream."),
        (P::NoSuchStream, Lang::Vi) => format!("{f}: không có stream nào như vậy."),
        (P::NoSuchWorker, Lang::En) => format!("{f}: there is no such worker."),
        (P::NoSuchWorker, Lang::Vi) => format!("{f}: không có worker nào như vậy."),
        (P::AlreadyRunning, Lang::En) => format!("{f}: this worker is already running."),
        (P::AlreadyRunning, Lang::Vi) => format!("{f}: worker này vẫn đang chạy."),
        (P::AlreadyStopped, Lang::En) => format!("{f}: this worker has already stopped."),
        (P::AlreadyStopped, Lang::Vi) => format!("{f}: worker này đã dừng từ trước."),
    }
}

/// One entry of the KCL event log, as a sentence.
pub fn kcl_event(lang: Lang, ev: &kinesis_lab_core::consumer::kcl::KclEvent) -> String {
    use kinesis_lab_core::consumer::kcl::{KclEvent as E, LossReason, TakeReason};
    let en = lang == Lang::En;
    let list = |v: &[String]| v.join(", ");
    match ev {
        E::LeaseCreated { lease, parents, .. } if parents.is_empty() => {
            if en { format!("Lease {lease} created.") } else { format!("Đã tạo lease {lease}.") }
        }
        E::LeaseCreated { lease, parents, .. } => {
            if en {
                format!("Lease {lease} created; it will wait for {}.", list(parents))
            } else {
                format!("Đã tạo lease {lease}; lease này sẽ phải chờ {}.", list(parents))
            }
        }
        E::WorkerStarted { worker, restarted: true, .. } => {
            if en { format!("{worker} restarted with the same identifier.") } else { format!("{worker} khởi động lại, vẫn dùng định danh cũ.") }
        }
        E::WorkerStarted { worker, .. } => {
            if en { format!("{worker} started.") } else { format!("{worker} bắt đầu chạy.") }
        }
        E::WorkerKilled { worker, leases, .. } if leases.is_empty() => {
            if en { format!("{worker} was killed; it held no lease.") } else { format!("{worker} bị tắt ngang; nó không giữ lease nào.") }
        }
        E::WorkerKilled { worker, leases, .. } => {
            if en {
                format!("{worker} was killed while holding {}. Nobody renews those leases now.", list(leases))
            } else {
                format!("{worker} bị tắt ngang khi đang giữ {}. Giờ không còn ai gia hạn các lease đó.", list(leases))
            }
        }
        E::LeaseTaken { lease, worker, how: TakeReason::Unassigned, .. } => {
            if en { format!("{worker} took {lease}, which nobody held.") } else { format!("{worker} nhận {lease}, lúc đó chưa ai giữ.") }
        }
        E::LeaseTaken { lease, worker, from, how: TakeReason::Expired, .. } => {
            let from = from.clone().unwrap_or_default();
            if en {
                format!("{worker} took {lease}: {from} had not renewed it within failoverTimeMillis.")
            } else {
                format!("{worker} nhận {lease}: {from} đã không gia hạn lease trong failoverTimeMillis.")
            }
        }
        E::LeaseTaken { lease, worker, how: TakeReason::Reclaimed, .. } => {
            if en {
                format!("{worker} found {lease} still in its name and took it back.")
            } else {
                format!("{worker} thấy {lease} vẫn đứng tên mình nên nhận lại.")
            }
        }
        E::LeaseStolen { lease, worker, from, .. } => {
            if en {
                format!("{worker} took {lease} from {from} to even out the load.")
            } else {
                format!("{worker} lấy {lease} từ {from} để chia đều tải.")
            }
        }
        E::LeaseRenewed { lease, worker, counter, .. } => {
            if en {
                format!("{worker} renewed {lease} (leaseCounter {counter}).")
            } else {
                format!("{worker} gia hạn {lease} (leaseCounter {counter}).")
            }
        }
        E::LeaseLost { lease, worker, reason: LossReason::Taken, .. } => {
            if en {
                format!("{worker} learned at its renewal that {lease} had been taken, and stopped processing it.")
            } else {
                format!("Lúc gia hạn, {worker} mới biết {lease} đã về tay worker khác nên dừng xử lý shard đó.")
            }
        }
        E::LeaseLost { lease, worker, reason: LossReason::CheckpointRejected, .. } => {
            if en {
                format!("{worker}'s checkpoint on {lease} was refused: the lease had changed hands.")
            } else {
                format!("Checkpoint của {worker} trên {lease} bị từ chối vì lease đã đổi chủ.")
            }
        }
        E::WaitingForParents { lease, worker, parents, .. } => {
            if en {
                format!("{worker} holds {lease} but waits: {} not at SHARD_END yet.", list(parents))
            } else {
                format!("{worker} giữ {lease} nhưng phải chờ vì {} chưa tới SHARD_END.", list(parents))
            }
        }
        E::ProcessorStarted { lease, worker, from, .. } => {
            let cp = kcl_checkpoint(from);
            if en {
                format!("{worker} starts processing {lease} after its checkpoint, {cp}.")
            } else {
                format!("{worker} bắt đầu xử lý {lease}, đọc tiếp sau checkpoint {cp}.")
            }
        }
        E::RecordsProcessed { lease, worker, first, last, records, duplicates, .. } => {
            let n = int(lang, *records);
            match (en, *duplicates) {
                (true, 0) => format!("{worker} processed {n} records of {lease} (#{first}–#{last})."),
                (true, d) => format!("{worker} processed {n} records of {lease} (#{first}–#{last}), {} of them for the second time or more.", int(lang, d)),
                (false, 0) => format!("{worker} xử lý {n} record của {lease} (#{first}–#{last})."),
                (false, d) => format!("{worker} xử lý {n} record của {lease} (#{first}–#{last}), trong đó {} record đã từng được xử lý.", int(lang, d)),
            }
        }
        E::Checkpointed { lease, worker, checkpoint, .. } => {
            let cp = kcl_checkpoint(checkpoint);
            if en { format!("{worker} checkpointed {lease} at {cp}.") } else { format!("{worker} ghi checkpoint cho {lease} tại {cp}.") }
        }
        E::ShardEnded { lease, worker, children, .. } => {
            if en {
                format!("{worker} read {lease} to its end and checkpointed SHARD_END; its children {} may now be read.", list(children))
            } else {
                format!("{worker} đã đọc hết {lease} và checkpoint SHARD_END; giờ các shard con {} mới được đọc.", list(children))
            }
        }
        E::ReadFailed { lease, worker, error, .. } => {
            if en { format!("{worker} could not read {lease}: {error}") } else { format!("{worker} không đọc được {lease}: {error}") }
        }
    }
}

#[cfg(test)]
mod firehose_wording_tests {
    use super::*;
    use kinesis_lab_core::firehose::{config::DeliveryConfig, Conflict, DeliveryStream, Problem};

    #[test]
    fn every_refusal_reads_in_vietnamese() {
        for c in Conflict::ALL {
            let vi = fh_problem(Lang::Vi, &Problem::NotAllowed { why: c });
            assert!(!vi.contains(&c.en()), "{c:?} is still English: {vi}");
            assert!(vi.len() > "không dùng được ở đây: ".len() + 10, "{c:?}: {vi}");
        }
    }

    #[test]
    fn a_refused_engine_setting_is_worded_per_language() {
        // Parquet output with a GZIP compression setting: the engine refuses it.
        use kinesis_lab_core::firehose::{compress::Compression, config::FormatConversion, convert::Schema};
        let schema = Schema::parse("id:int").unwrap_or_else(|e| panic!("{e}"));
        let mut cfg = DeliveryConfig {
            format_conversion: Some(FormatConversion {
                enabled: true,
                input_format: "json".into(),
                output_format: "parquet".into(),
                schema,
            }),
            compression: Compression::Gzip,
            ..DeliveryConfig::default()
        };
        cfg.buffering.size_mib = Some(64);
        let err = match DeliveryStream::new("d", cfg, 1, 0) {
            Err(e) => e,
            Ok(_) => panic!("GZIP with Parquet output must be refused"),
        };
        assert!(matches!(err.problem, Problem::NotAllowed { .. }), "{err}");
        let en = fh_error(Lang::En, "Compression", &err);
        let vi = fh_error(Lang::Vi, "Nén", &err);
        assert!(en.contains("UNCOMPRESSED"), "{en}");
        assert!(vi.contains("phải là UNCOMPRESSED"), "{vi}");
        assert!(!vi.contains("must be"), "{vi}");
    }
}
