-- Our own query for the 5-second walk-through (the page shows no SQL):
-- one output per record, counting the records of the last 5 seconds.
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (record_count INTEGER);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM COUNT(*) OVER W1 AS record_count
    FROM "SOURCE_SQL_STREAM_001"
    WINDOW W1 AS (RANGE INTERVAL '5' SECOND PRECEDING);
