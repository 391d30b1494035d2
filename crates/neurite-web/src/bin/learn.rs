//! `learn.html`'s entry point (see `neurite_web::run_article_page`).

fn main() {
    neurite_web::run_article_page();
}
