{"EVENT_TIME": "{{now}}", "TICKER": "{{pick "AMZN" "AMZN" "AMZN" "AAPL" "AAPL" "MSFT" "INTC" "TBV" "WMT" "QXZ"}}", "PRICE": {{decimal 20 120 2}}}
