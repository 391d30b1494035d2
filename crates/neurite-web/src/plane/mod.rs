//! The 2-D playground's training side: what the page asks for ([`setup`]), the messages
//! between the page and its worker ([`protocol`]), the worker's state machine ([`session`],
//! platform-free and tested natively) and its browser glue (`worker`, wasm32 only).

pub mod protocol;
pub mod session;
pub mod setup;

#[cfg(target_arch = "wasm32")]
pub mod worker;
