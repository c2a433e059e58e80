//! Kinesis Video Streams, simulated small (CONTRACT: owned by the video
//! helper): a camera producing fragments on a media timeline, a consumer
//! reading from a timestamp, retention trimming old fragments.
//!
//! Facts and their sources: /work/notes/compare-design.md §6.
