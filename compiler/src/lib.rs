//! Flow compiler library.
