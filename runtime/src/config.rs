//! The run's configuration from the executable's flags. (engine; to be written)
pub struct RunConfig;
