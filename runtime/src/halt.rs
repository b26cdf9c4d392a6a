//! The emergency halt. (engine; to be written)
pub struct Halt;
