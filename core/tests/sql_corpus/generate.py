#!/usr/bin/env python3
"""Writes the corpus fixtures: app.sql (copied verbatim from the AWS example
queries collected in the research notes), schema.toml, input.jsonl and, only
where the AWS pages document the result, expected.jsonl.

Run from this directory: python3 generate.py /path/to/kda-queries
The inputs are generated from a fixed seed, so running it again gives the
same files. Data without a documented source is ours: stock-ticker-like
records in the shape of the Getting Started demo stream (TICKER_SYMBOL,
SECTOR, CHANGE, PRICE).
"""

import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

QUERIES = sys.argv[1] if len(sys.argv) > 1 else "/work/notes/kda-queries"
HERE = os.path.dirname(os.path.abspath(__file__))


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def at(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)


def query(name):
    with open(os.path.join(QUERIES, name + ".sql")) as f:
        return f.read()


def schema_toml(cols, fmt="json"):
    out = [f'format = "{fmt}"']
    for name, ty, mapping in cols:
        out.append("")
        out.append("[[column]]")
        out.append(f"name = {json.dumps(name)}")
        out.append(f"type = {json.dumps(ty)}")
        out.append(f"mapping = {json.dumps(mapping)}")
    return "\n".join(out) + "\n"


def write(fixture, app, cols, records, expected=None, refs=None):
    d = os.path.join(HERE, fixture)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "app.sql"), "w") as f:
        f.write(app)
    with open(os.path.join(d, "schema.toml"), "w") as f:
        f.write(schema_toml(cols))
    with open(os.path.join(d, "input.jsonl"), "w") as f:
        for r in records:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    if expected is not None:
        with open(os.path.join(d, "expected.jsonl"), "w") as f:
            for r in expected:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")
    for name, text in (refs or {}).items():
        os.makedirs(os.path.join(d, "ref"), exist_ok=True)
        with open(os.path.join(d, "ref", name), "w") as f:
            f.write(text)


STOCK_COLS = [
    ("TICKER_SYMBOL", "VARCHAR(4)", "$.TICKER_SYMBOL"),
    ("SECTOR", "VARCHAR(12)", "$.SECTOR"),
    ("CHANGE", "DOUBLE", "$.CHANGE"),
    ("PRICE", "DOUBLE", "$.PRICE"),
]
TICKERS = [
    ("AMZN", "RETAIL", 180.0),
    ("ASD", "FINANCIAL", 62.0),
    ("MMB", "ENERGY", 24.0),
    ("QXZ", "HEALTHCARE", 88.0),
    ("WAS", "TECHNOLOGY", 41.0),
    ("XYZ", "TECHNOLOGY", 12.0),
]


def stock(seed, n=240, start=at("2016-07-19T17:05:00"), spacing_ms=(150, 1400), spikes=0.08):
    """n demo-stream records with arrival times; some large changes."""
    rnd = random.Random(seed)
    t = start + timedelta(milliseconds=rnd.randint(0, 900))
    prices = {s: p for s, _, p in TICKERS}
    out = []
    for _ in range(n):
        sym, sector, _ = rnd.choice(TICKERS)
        p = prices[sym]
        if rnd.random() < spikes:
            change = round(p * rnd.choice([-1, 1]) * rnd.uniform(0.16, 0.4), 2)
        else:
            change = round(p * rnd.uniform(-0.03, 0.03), 2)
        price = round(max(1.0, p + change), 2)
        prices[sym] = price
        out.append({"arrival": iso(t), "data": {"TICKER_SYMBOL": sym, "SECTOR": sector, "CHANGE": change, "PRICE": price}})
        # Now and then two records arrive in the same millisecond (one batch).
        if rnd.random() >= 0.04:
            t += timedelta(milliseconds=rnd.randint(*spacing_ms))
    return out


def main():
    # --- stateless -------------------------------------------------------
    for fx, seed in [("01-continuous-select", 1), ("02-continuous-app", 2), ("06-simple-alerts", 6)]:
        write(fx, query(fx), STOCK_COLS, stock(seed))
    write("03-streams-pumps-create-stream", query("03-streams-pumps-create-stream"), STOCK_COLS, stock(3, n=20))
    # The page shows the stream and the pump together; its pump reads an
    # "INPUTSTREAM" the page never creates, so the application must be refused
    # with that name.
    write(
        "04-streams-pumps-pump",
        query("03-streams-pumps-create-stream") + "\n" + query("04-streams-pumps-pump"),
        [("INPUTCOLUMN1", "BIGINT", "$.c1"), ("INPUTCOLUMN2", "INTEGER", "$.c2"), ("INPUTCOLUMN3", "VARCHAR(64)", "$.c3")],
        [{"arrival": "2016-07-19T17:05:00.000Z", "data": {"c1": 1, "c2": 2, "c3": "three"}}],
    )
    rnd = random.Random(5)
    t = at("2016-07-19T17:05:00")
    recs = []
    for i in range(50):
        t += timedelta(milliseconds=rnd.randint(100, 3000))
        recs.append({"arrival": iso(t), "data": {"some_col_1": rnd.randint(-50, 50), "some_col_2": rnd.choice(["red", "green", "blue"])}})
    write("05-rowtime-select", query("05-rowtime-select"),
          [("SOME_COL_1", "INTEGER", "$.some_col_1"), ("SOME_COL_2", "VARCHAR(8)", "$.some_col_2")], recs)

    # Two record types in one stream (app-tworecordtypes.md): orders, and
    # trades that fill them.
    rnd = random.Random(7)
    t = at("2016-07-19T17:05:00")
    recs = []
    oid = 3800
    tid = 0
    open_orders = []
    for i in range(200):
        t += timedelta(milliseconds=rnd.randint(200, 2500))
        if open_orders and rnd.random() < 0.45:
            o = open_orders.pop(rnd.randrange(len(open_orders)))
            tid += 1
            data = {"RecordType": "Trade", "Tid": tid, "Toid": o[0], "Tprice": o[2] + rnd.randint(-20, 20), "Tticker": o[1]}
        else:
            oid += 1
            tick = rnd.choice(["AAAA", "BBBB", "CCCC", "DDDD"])
            price = rnd.randint(1000, 9999)
            open_orders.append((oid, tick, price))
            data = {"RecordType": "Order", "Oprice": price, "Otype": rnd.choice(["Buy", "Sell"]), "Oid": oid, "Oticker": tick}
        recs.append({"arrival": iso(t), "data": data})
    two_cols = [
        ("RECORDTYPE", "VARCHAR(10)", "$.RecordType"),
        ("OPRICE", "DOUBLE", "$.Oprice"),
        ("OTYPE", "VARCHAR(10)", "$.Otype"),
        ("OID", "INTEGER", "$.Oid"),
        ("OTICKER", "VARCHAR(4)", "$.Oticker"),
        ("TID", "INTEGER", "$.Tid"),
        ("TOID", "INTEGER", "$.Toid"),
        ("TPRICE", "DOUBLE", "$.Tprice"),
        ("TTICKER", "VARCHAR(4)", "$.Tticker"),
    ]
    write("07-tworecordtypes-order", query("07-tworecordtypes-order"), two_cols, recs)
    write("08-tworecordtypes-trade", query("08-tworecordtypes-trade"), two_cols, recs)
    # The page's third query reads "Trade_Stream": the application is the
    # page's three blocks together.
    write(
        "17-tworecordtypes-count-floor",
        query("07-tworecordtypes-order") + "\n" + query("08-tworecordtypes-trade") + "\n" + query("17-tworecordtypes-count-floor"),
        two_cols,
        recs,
    )

    rnd = random.Random(9)
    t = at("2018-03-25T22:25:37")
    recs = []
    for i in range(30):
        t += timedelta(milliseconds=rnd.randint(200, 2000))
        ip = f"203.0.113.{rnd.randint(1, 254)}"
        recs.append({"arrival": iso(t), "data": {"LOGENTRY": f"{ip} - - [25/Mar/2018:15:25:37 -0700] \"GET /index.php HTTP/1.1\" 200 {rnd.randint(100, 900)}"}})
    write("09-regex-log-parse", query("09-regex-log-parse"), [("LOGENTRY", "VARCHAR(128)", "$.LOGENTRY")], recs)

    # --- tumbling ----------------------------------------------------------
    write("11-tumbling-concepts-select", query("11-tumbling-concepts-select"), STOCK_COLS, stock(11))
    write("12-tumbling-concepts-app", query("12-tumbling-concepts-app"), STOCK_COLS, stock(12))

    def ticker_price(seed, n=300, event_lag=False):
        rnd = random.Random(seed)
        t = at("2018-06-13T14:11:05")
        out = []
        for i in range(n):
            t += timedelta(milliseconds=rnd.randint(100, 1500))
            data = {"TICKER": rnd.choice(["AAPL", "AMZN", "MSFT", "INTC", "TBV"]), "PRICE": round(rnd.random() * 100, 2)}
            if event_lag:
                # Event time a little before arrival, sometimes by more than a minute.
                lag = rnd.choice([rnd.uniform(0.05, 3.0)] * 9 + [rnd.uniform(55, 75)])
                ev = t - timedelta(seconds=lag)
                data = {"EVENT_TIME": ev.strftime("%Y-%m-%dT%H:%M:%S.%f"), **data}
            out.append({"arrival": iso(t), "data": data})
        return out

    write("13-tumbling-rowtime", query("13-tumbling-rowtime"),
          [("TICKER", "VARCHAR(4)", "$.TICKER"), ("PRICE", "REAL", "$.PRICE")], ticker_price(13))
    write("14-tumbling-event", query("14-tumbling-event"),
          [("EVENT_TIME", "TIMESTAMP", "$.EVENT_TIME"), ("TICKER", "VARCHAR(4)", "$.TICKER"), ("PRICE", "REAL", "$.PRICE")],
          ticker_price(14, event_lag=True))

    # timestamps-rowtime-concepts.md: in the first minute 10 ABC, 15 DEF, 6 XYZ;
    # in the second 11 ABC, 11 DEF, and one XYZ that reached the stream in the
    # first minute but was inserted (ROWTIME) in the second.
    rnd = random.Random(15)
    first = ["ABC"] * 10 + ["DEF"] * 15 + ["XYZ"] * 6
    second = ["ABC"] * 11 + ["DEF"] * 11
    rnd.shuffle(first)
    rnd.shuffle(second)
    recs = []
    m0 = at("2016-07-19T17:05:00")
    for i, sym in enumerate(first):
        tt = m0 + timedelta(milliseconds=500 + i * 1800)
        recs.append({"arrival": iso(tt), "data": {"TICKER_SYMBOL": sym, "SECTOR": "TECHNOLOGY", "CHANGE": 0.1, "PRICE": 10.0}})
    m1 = at("2016-07-19T17:06:00")
    late_at = 3
    for i, sym in enumerate(second):
        tt = m1 + timedelta(milliseconds=400 + i * 2500)
        if i == late_at:
            recs.append({"arrival": "2016-07-19T17:05:59.100Z", "rowtime": iso(tt - timedelta(milliseconds=200)),
                         "data": {"TICKER_SYMBOL": "XYZ", "SECTOR": "TECHNOLOGY", "CHANGE": 0.1, "PRICE": 10.0}})
        recs.append({"arrival": iso(tt), "data": {"TICKER_SYMBOL": sym, "SECTOR": "TECHNOLOGY", "CHANGE": 0.1, "PRICE": 10.0}})
    # The documented table: ingest_time (the ROWTIME minute), the arrival
    # minute, the ticker and the count. The page prints the window start as
    # ROWTIME where the stagger page prints the window end, so ROWTIME is
    # left out of this expectation.
    exp = []
    for ingest, arr, sym, n in [
        ("17:05", "17:05", "ABC", 10), ("17:05", "17:05", "DEF", 15), ("17:05", "17:05", "XYZ", 6),
        ("17:06", "17:06", "ABC", 11), ("17:06", "17:06", "DEF", 11), ("17:06", "17:05", "XYZ", 1),
    ]:
        exp.append({"stream": "DESTINATION_SQL_STREAM", "ingest_time": f"2016-07-19T{ingest}:00.000Z",
                    "APPROXIMATE_ARRIVAL_TIME": f"2016-07-19T{arr}:00.000Z", "ticker_symbol": sym, "symbol_count": n})
    write("15-rowtime-two-windows", query("15-rowtime-two-windows"), STOCK_COLS, recs, expected=exp)

    # stagger-window-concepts.md: the four AMZN records (times only; the date is ours).
    day = "2018-08-01"
    four = [("11:00:20", "11:00:10"), ("11:00:30", "11:00:20"), ("11:01:05", "11:00:55"), ("11:01:15", "11:01:05")]
    recs = [{"arrival": f"{day}T{rt}.000Z", "data": {"EVENT_TIME": f"{day}T{ev}", "TICKER_SYMBOL": "AMZN"}} for rt, ev in four]
    ev_cols = [("EVENT_TIME", "TIMESTAMP", "$.EVENT_TIME"), ("TICKER_SYMBOL", "VARCHAR(4)", "$.TICKER_SYMBOL")]
    exp = [
        {"stream": "DESTINATION_SQL_STREAM", "ROWTIME": f"{day}T{rt}.000Z", "TICKER_SYMBOL": "AMZN", "EVENT_TIME": f"{day}T{ev}.000Z", "TICKER_COUNT": n}
        for rt, ev, n in [("11:01:00", "11:00:00", 2), ("11:02:00", "11:00:00", 1), ("11:02:00", "11:01:00", 1)]
    ]
    write("16-stagger-concepts-tumbling-partial", query("16-stagger-concepts-tumbling-partial"), ev_cols, recs, expected=exp)
    exp = [
        {"stream": "DESTINATION_SQL_STREAM", "ROWTIME": f"{day}T{rt}.000Z", "TICKER_SYMBOL": "AMZN", "EVENT_TIME": f"{day}T{ev}.000Z", "TICKER_COUNT": n}
        for rt, ev, n in [("11:01:20", "11:00:00", 3), ("11:02:15", "11:01:00", 1)]
    ]
    write("31-stagger-concepts", query("31-stagger-concepts"), ev_cols, recs, expected=exp)

    # examples-window-stagger.md: the twelve records and their ROWTIMEs.
    rows = [("2018-08-01T20:17:20.797945", "AMZN", t) for t in ["20:17:30", "20:17:40", "20:17:50", "20:18:00", "20:18:10", "20:18:21"]]
    rows += [("2018-08-01T20:18:21.043084", "INTC", t) for t in ["20:18:31", "20:18:41", "20:18:51", "20:19:01", "20:19:11", "20:19:21"]]
    recs = [{"arrival": f"2018-08-01T{t}.000Z", "data": {"EVENT_TIME": ev, "TICKER": tk}} for ev, tk, t in rows]
    exp = [
        {"stream": "DESTINATION_SQL_STREAM", "ROWTIME": "2018-08-01T20:18:30.000Z", "EVENT_TIME": "2018-08-01T20:17:20.797Z", "TICKER_SYMBOL": "AMZN", "TICKER_COUNT": 6},
        {"stream": "DESTINATION_SQL_STREAM", "ROWTIME": "2018-08-01T20:19:31.000Z", "EVENT_TIME": "2018-08-01T20:18:21.043Z", "TICKER_SYMBOL": "INTC", "TICKER_COUNT": 6},
    ]
    write("32-stagger-example", query("32-stagger-example"),
          [("EVENT_TIME", "TIMESTAMP", "$.EVENT_TIME"), ("TICKER", "VARCHAR(4)", "$.TICKER")], recs, expected=exp)

    # --- sliding -------------------------------------------------------------
    for fx, seed in [("21-sliding-ex1-select", 21), ("22-sliding-ex1-app", 22), ("23-sliding-ex2-select", 23),
                     ("24-sliding-ex2-app", 24), ("25-sliding-ex3-rows", 25), ("26-throttled-alerts", 26)]:
        write(fx, query(fx), STOCK_COLS, stock(seed, n=260, spacing_ms=(50, 900)))
    # sliding-window-concepts.md walks a 5-second window over records at t1,
    # t2, t6, t7 and three at t8 (seconds after t0), counting 1, 2, 2, 2 and 5
    # for each of the last three. The page gives no query for it; this one
    # is ours.
    walk = """-- Our own query for the 5-second walk-through (the page shows no SQL):
-- one output per record, counting the records of the last 5 seconds.
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (record_count INTEGER);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM COUNT(*) OVER W1 AS record_count
    FROM "SOURCE_SQL_STREAM_001"
    WINDOW W1 AS (RANGE INTERVAL '5' SECOND PRECEDING);
"""
    t0 = at("2016-07-19T17:05:00")
    secs = [1, 2, 6, 7, 8, 8, 8]
    recs = [{"arrival": iso(t0 + timedelta(seconds=s_)), "data": {"TICKER_SYMBOL": "AMZN", "SECTOR": "RETAIL", "CHANGE": 0.5, "PRICE": 180.0}} for s_ in secs]
    exp = [{"stream": "DESTINATION_SQL_STREAM", "ROWTIME": iso(t0 + timedelta(seconds=s_)), "RECORD_COUNT": n}
           for s_, n in zip(secs, [1, 2, 2, 2, 5, 5, 5])]
    write("28-sliding-walkthrough", walk, STOCK_COLS, recs, expected=exp)
    write("27-partial-results", query("27-partial-results"), STOCK_COLS, stock(27, n=500, spacing_ms=(300, 2600)))

    # --- reference data ------------------------------------------------------
    # app-add-reference-data.md's TickerReference.csv, as the page gives it.
    ref = "Ticker, Company\nAMZN,Amazon\nASD, SomeCompanyA\nMMB, SomeCompanyB\nWAS,  SomeCompanyC\n"
    recs = stock(41, n=60)
    # The documented result: AMZN rows show Amazon, and tickers without a
    # reference row show NULL (here QXZ and XYZ); ASD, MMB, WAS take their
    # names with the spaces after the commas trimmed.
    names = {"AMZN": "Amazon", "ASD": "SomeCompanyA", "MMB": "SomeCompanyB", "WAS": "SomeCompanyC"}
    exp = [{"stream": "DESTINATION_SQL_STREAM", "ROWTIME": r["arrival"], "TICKER_SYMBOL": r["data"]["TICKER_SYMBOL"],
            "Company": names.get(r["data"]["TICKER_SYMBOL"])} for r in recs]
    write("41-reference-data-left-join", query("41-reference-data-left-join"), STOCK_COLS, recs, expected=exp,
          refs={"CompanyName.csv": ref})

    # --- table functions --------------------------------------------------------
    rnd = random.Random(51)
    t = at("2016-07-19T17:05:00")
    recs = []
    weights = {"AAPL": 9, "AMZN": 7, "MSFT": 5, "INTC": 3, "TBV": 2, "GE": 1, "IBM": 1}
    pool = [k for k, w in weights.items() for _ in range(w)]
    for i in range(400):
        t += timedelta(milliseconds=rnd.randint(100, 900))
        recs.append({"arrival": iso(t), "data": {"TICKER": rnd.choice(pool)}})
    write("51-top-k-items-tumbling", query("51-top-k-items-tumbling"), [("TICKER", "VARCHAR(4)", "$.TICKER")], recs)
    write("52-count-distinct-items-tumbling", query("52-count-distinct-items-tumbling"), STOCK_COLS, stock(52, n=300))

    # app-anomaly-detection.md: heart rates, 99 % from 60 to 100 (NORMAL) and
    # 1 % from 150 to 200 (HIGH); a few more HIGH here so the test has some.
    rnd = random.Random(53)
    t = at("2016-07-19T17:05:00")
    recs = []
    for i in range(1500):
        t += timedelta(milliseconds=rnd.randint(50, 400))
        if i > 300 and rnd.random() < 0.015:
            data = {"heartRate": rnd.randint(150, 200), "rateType": "HIGH"}
        else:
            data = {"heartRate": rnd.randint(60, 100), "rateType": "NORMAL"}
        recs.append({"arrival": iso(t), "data": data})
    write("53-random-cut-forest", query("53-random-cut-forest"),
          [("heartRate", "INTEGER", "$.heartRate"), ("rateType", "VARCHAR(20)", "$.rateType")], recs)

    rnd = random.Random(54)
    t = at("2016-07-19T17:05:00")
    recs = []
    for i in range(600):
        t += timedelta(milliseconds=rnd.randint(20, 200))
        if rnd.random() < 0.2:
            x, y, hot = rnd.gauss(6.0, 0.05), rnd.gauss(3.0, 0.05), "Y"
        else:
            x, y, hot = rnd.uniform(0, 10), rnd.uniform(0, 10), "N"
        recs.append({"arrival": iso(t), "data": {"x": round(x, 4), "y": round(y, 4), "is_hot": hot}})
    write("54-hotspots", query("54-hotspots"),
          [("x", "DOUBLE", "$.x"), ("y", "DOUBLE", "$.y"), ("is_hot", "VARCHAR(4)", "$.is_hot")], recs)


if __name__ == "__main__":
    main()
