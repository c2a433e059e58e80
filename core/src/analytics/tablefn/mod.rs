//! Table functions and the sketches behind them. (Skeleton.)
