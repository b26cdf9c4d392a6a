//! The node library. (library; to be written)
