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
    NavPartitions => "Where does my record go?", "Record của tôi đi đâu?";
    NavLabel => "Main", "Điều hướng chính";
    LanguageLabel => "Language", "Ngôn ngữ";
    SkipToContent => "Skip to content", "Bỏ qua, tới nội dung";

    HomeIntro => "Kinesis Data Streams spreads records over shards by hashing each record's partition key. Start here: type a key and watch where it lands, then generate thousands of keys and find the hot shard.",
                 "Kinesis Data Streams chia record vào các shard bằng cách băm partition key của từng record. Bắt đầu từ đây: gõ một key để xem nó rơi vào đâu, rồi sinh hàng nghìn key và tìm ra shard bị quá tải.";
    HomeCardPartitionsBody => "Partition key → MD5 → 128-bit hash key → shard. See the hash-key space cut into shard ranges, and why a low-cardinality key makes a hot shard.",
                              "Partition key → MD5 → hash key 128 bit → shard. Xem không gian hash key được cắt thành các dải của từng shard, và vì sao key ít giá trị gây ra hot shard.";
    Open => "Open", "Mở";

    NotFoundTitle => "Page not found", "Không tìm thấy trang";
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
    HistEmpty => "Press Start to send records.", "Bấm Chạy để gửi record.";
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
}

/// A validation error in words, naming the field.
pub fn validation_error(lang: Lang, e: &ValidationError) -> String {
    let field = match (e.field, lang) {
        (Field::PartitionKey, _) => "PartitionKey",
        (Field::ExplicitHashKey, _) => "ExplicitHashKey",
        (Field::ShardCount, Lang::En) => "Number of shards",
        (Field::ShardCount, Lang::Vi) => "Số shard",
        (Field::RecordRate, Lang::En) => "Records per second",
        (Field::RecordRate, Lang::Vi) => "Số record mỗi giây",
        (Field::Duration, Lang::En) => "Simulated seconds",
        (Field::Duration, Lang::Vi) => "Số giây mô phỏng",
    };
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
