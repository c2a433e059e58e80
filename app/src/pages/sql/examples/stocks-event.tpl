{"EVENT_TIME": "{{now}}", "TICKER_SYMBOL": "{{pick "AMZN" "AMZN" "AAPL" "MSFT" "INTC"}}", "PRICE": {{decimal 20 120 2}}}
