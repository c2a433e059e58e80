-- Flink SQL: a hopping window of 1 minute that moves every 20 seconds,
-- so each row counts in three windows.
CREATE TABLE ticks (
  TICKER_SYMBOL STRING,
  PRICE DOUBLE,
  EVENT_TIME TIMESTAMP(3),
  WATERMARK FOR EVENT_TIME AS EVENT_TIME - INTERVAL '5' SECOND
) WITH ('connector' = 'kinesis', 'stream' = 'stock-ticks');

SELECT window_start, window_end, TICKER_SYMBOL, AVG(PRICE) AS avg_price
FROM TABLE(HOP(TABLE ticks, DESCRIPTOR(EVENT_TIME), INTERVAL '20' SECOND, INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, TICKER_SYMBOL;
