//! The run's clock: simulated (advanced by the tick loop) or real. (engine; to be written)
pub struct Clock;
