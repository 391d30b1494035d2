//! `learn.html`: the article, rendered in the learner's language with its widgets live inline
//! (the same widgets as `widget.html`, mounted into the article's own tree) and the glossary.

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::content::{Block, SECTIONS, SUBTITLE, TITLE};
use super::{annotate_terms, lookup};
use crate::dom;
use crate::i18n::glossary::GLOSSARY;
use crate::i18n::{Lang, Tr};
use crate::widgets::backprop::story::num;
use crate::widgets::host::{LiveWidget, Placement, every, widget_view};
use crate::widgets::options::{Controls, WidgetUrl, state_keys};
use crate::widgets::value::patch_from_js;
use crate::widgets::{Fields, WidgetName};

/// The article's own labels.
const CONTENTS: Tr = Tr {
    en: "Contents",
    zh: "目录",
};
const GLOSSARY_TITLE: Tr = Tr {
    en: "Glossary",
    zh: "术语表",
};
const PLAYGROUND: Tr = Tr {
    en: "MNIST playground",
    zh: "MNIST 实验场",
};
const MEANING: Tr = Tr {
    en: "Meaning",
    zh: "含义",
};

/// Starts the article page.
pub fn start() {
    console_error_panic_hook::set_once();
    let pairs = dom::query_pairs();
    let (url, _) = WidgetUrl::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let lang = dom::initial_lang(url.options.lang);
    leptos::mount::mount_to_body(move || article(lang));
}

/// The widget a section's later paragraphs quote from, and a count of its learner's edits.
#[derive(Clone)]
struct Quoted {
    live: Rc<dyn LiveWidget>,
    edits: RwSignal<u32>,
}

fn widget_block(
    lang: Signal<Lang>,
    (name, state, controls, caption): (&'static str, &'static str, &'static str, Tr),
    quoted: &mut Option<Quoted>,
) -> AnyView {
    let Ok(name) = WidgetName::from_key(name) else {
        return ().into_any();
    };
    let controls = Controls::parse(controls, state_keys(name)).unwrap_or_default();
    let edits = RwSignal::new(0u32);
    let Some((view, live)) = widget_view(Placement {
        name,
        catalogue: every,
        lang,
        controls,
        compact: false,
        on_edit: Rc::new(move |_| edits.update(|n| *n += 1)),
    }) else {
        return ().into_any();
    };
    if let Ok(value) = js_sys::JSON::parse(state)
        && let Ok(patch) = patch_from_js(&value)
    {
        live.set_leniently(&patch);
    }
    *quoted = Some(Quoted { live, edits });
    view! {
        <figure class="article-widget" data-testid=format!("article-widget-{}", name.key())>
            {view}
            <figcaption>{move || caption.in_lang(lang.get())}</figcaption>
        </figure>
    }
    .into_any()
}

/// A paragraph; its `<output data-key="…">` elements show the outputs of the widget above it,
/// and follow every change a learner makes there.
fn paragraph(lang: Signal<Lang>, text: Tr, quoted: Option<Quoted>) -> AnyView {
    let node = NodeRef::<leptos::html::P>::new();
    if let Some(Quoted { live, edits }) = quoted.filter(|_| text.en.contains("<output")) {
        Effect::new(move |_| {
            edits.track();
            lang.track();
            if let Some(p) = node.get() {
                fill_outputs(&p, &live.outputs());
            }
        });
    }
    view! { <p node_ref=node inner_html=move || annotate_terms(text.in_lang(lang.get()), lang.get())></p> }
        .into_any()
}

/// Writes each `<output data-key="path">` inside `element` from `outputs`.
fn fill_outputs(element: &web_sys::HtmlElement, outputs: &Fields) {
    let Ok(found) = element.query_selector_all("output[data-key]") else {
        return;
    };
    for i in 0..found.length() {
        let Some(output) = found
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let path = output.get_attribute("data-key").unwrap_or_default();
        if let Some(v) = lookup(outputs, &path) {
            output.set_text_content(Some(&num(v)));
        }
    }
}

fn block(lang: Signal<Lang>, block: &'static Block, quoted: &mut Option<Quoted>) -> AnyView {
    match block {
        Block::Paragraph(text) => paragraph(lang, *text, quoted.clone()),
        Block::Formula(markup) => {
            view! { <div class="formula" inner_html=*markup></div> }.into_any()
        }
        Block::Widget {
            name,
            state,
            controls,
            caption,
        } => widget_block(lang, (name, state, controls, *caption), quoted),
        Block::Code { language, text } => view! {
            <pre class="code" data-language=*language><code>{*text}</code></pre>
        }
        .into_any(),
        Block::Compare { left, right } => {
            let side = move |(title, language, text): (Tr, &'static str, &'static str)| {
                view! {
                    <div class="compare-side">
                        <h4>{move || title.in_lang(lang.get())}</h4>
                        <pre class="code" data-language=language><code>{text}</code></pre>
                    </div>
                }
            };
            view! { <div class="compare">{side(*left)}{side(*right)}</div> }.into_any()
        }
        Block::PlaygroundLink(text) => view! {
            <p class="playground-link">
                <a href="index.html?preset=seed" data-testid="open-playground">
                    {move || text.in_lang(lang.get())} " →"
                </a>
            </p>
        }
        .into_any(),
    }
}

fn article(start: Lang) -> impl IntoView {
    let lang = RwSignal::new(start);
    dom::follow_lang(lang.into());
    let lang_signal: Signal<Lang> = lang.into();
    let t = move |text: Tr| text.in_lang(lang.get());
    view! {
        <header class="article-header">
            <div>
                <h1>{move || t(TITLE)}</h1>
                <p class="tagline">{move || t(SUBTITLE)}</p>
            </div>
            <nav class="header-side">
                <a href="index.html" data-testid="link-playground">{move || t(PLAYGROUND)}</a>
                <button data-testid="lang-toggle" on:click=move |_| lang.update(|l| *l = l.other())>
                    {move || lang.get().other().name()}
                </button>
            </nav>
        </header>
        <main class="article">
            <nav class="toc" aria-label=move || t(CONTENTS)>
                <h2>{move || t(CONTENTS)}</h2>
                <ol>
                    {SECTIONS.iter().map(|s| view! {
                        <li><a href=format!("#{}", s.id)>{move || t(s.title)}</a></li>
                    }).collect_view()}
                    <li><a href="#glossary">{move || t(GLOSSARY_TITLE)}</a></li>
                </ol>
            </nav>
            {SECTIONS.iter().map(|section| view! {
                <section id=section.id data-testid=format!("section-{}", section.id)>
                    <h2>{move || t(section.title)}</h2>
                    {
                        let mut quoted = None;
                        section.blocks.iter().map(|b| block(lang_signal, b, &mut quoted)).collect_view()
                    }
                </section>
            }).collect_view()}
            <section id="glossary" data-testid="glossary">
                <h2>{move || t(GLOSSARY_TITLE)}</h2>
                <table class="glossary">
                    <thead><tr>
                        <th>"English"</th><th>"中文"</th><th>{move || t(MEANING)}</th>
                    </tr></thead>
                    <tbody>
                        {GLOSSARY.iter().map(|term| view! {
                            <tr id=format!("term-{}", term.key)>
                                <td><dfn>{term.en}</dfn></td>
                                <td lang="zh-CN">{term.zh}</td>
                                <td>{move || t(term.definition)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </main>
    }
}
