//! Domain value types. (library; to be written)
