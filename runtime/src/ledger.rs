//! The paper ledger. (library; to be written)
pub struct Ledger;
