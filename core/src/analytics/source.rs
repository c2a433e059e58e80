//! Records → rows of the input stream, and reference tables. (Skeleton.)
