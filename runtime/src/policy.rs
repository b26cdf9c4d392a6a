//! Retry, timeout, circuit breaker. (engine; to be written)
