//! Market sources. (library; to be written)
pub struct Market;
