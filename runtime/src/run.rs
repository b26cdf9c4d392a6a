//! The tick loop and CLI. (engine; to be written)
