//! The compiler: SQL text → [`Plan`](super::plan::Plan). (Skeleton.)
