-- Flink SQL: the per-minute count again, but on event time.
-- A window closes when the watermark (newest EVENT_TIME - 5 s) passes its end.
CREATE TABLE ticks (
  TICKER_SYMBOL STRING,
  PRICE DOUBLE,
  EVENT_TIME TIMESTAMP(3),
  WATERMARK FOR EVENT_TIME AS EVENT_TIME - INTERVAL '5' SECOND
) WITH ('connector' = 'kinesis', 'stream' = 'stock-ticks');

SELECT window_start, window_end, TICKER_SYMBOL,
       COUNT(*) AS trades, MAX(PRICE) AS max_price
FROM TABLE(TUMBLE(TABLE ticks, DESCRIPTOR(EVENT_TIME), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, TICKER_SYMBOL;
