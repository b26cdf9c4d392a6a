//! Executor support called by generated code. (engine; to be written)
