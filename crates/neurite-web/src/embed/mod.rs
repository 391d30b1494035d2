//! The widget page's side of the embedding API: `widget.html` reads its URL, mounts one widget
//! and talks to the page that embeds it over `postMessage` (see `docs/embedding.md`). The
//! loader that host pages include, `www/embed.js`, is the other side.

pub mod frame;
pub mod messages;
