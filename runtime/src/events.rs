//! Events: JSON lines, subscribers. (engine; to be written)
pub struct Events;
