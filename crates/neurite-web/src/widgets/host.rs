//! The shell every widget runs in: it holds the state signal, passes a view its
//! [`WidgetCtx`], routes the view's edits through the widget's check, and gives the page that
//! hosts it a [`LiveWidget`] handle to read and set the state from outside (the embedding API,
//! the article).

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use web_sys::HtmlElement;

use super::activation::ActivationPoint;
use super::backprop::Backprop;
use super::descent::GradientDescent;
use super::loss::LossExample;
use super::neuron::Neuron;
use super::options::Controls;
use super::views::{self, WidgetCtx};
use super::{Fields, Refusal, Value, WidgetName, WidgetState};
use crate::i18n::{Lang, widgets as text};

/// What a learner's edit in the view led to.
#[derive(Debug, Clone, PartialEq)]
pub enum UserEdit {
    /// The state changed.
    Changed,
    /// The edit was refused; the state is unchanged.
    Refused(Refusal),
    /// The outputs moved on by themselves (a run training), a few times a second at most.
    Progressed,
}

/// A mounted widget, as its host sees it.
pub trait LiveWidget {
    /// Which widget.
    fn name(&self) -> WidgetName;
    /// Applies a whole patch, or refuses it and keeps the state.
    fn set(&self, patch: &[(String, Value)]) -> Result<(), Refusal>;
    /// Applies what checks of a patch (a URL's), and returns the refusals of the rest.
    fn set_leniently(&self, patch: &[(String, Value)]) -> Vec<Refusal>;
    /// The current state.
    fn fields(&self) -> Fields;
    /// The current outputs.
    fn outputs(&self) -> Fields;
    /// Shows a refusal in the widget, until it is dismissed or the state next changes.
    fn show_refusal(&self, refusal: Refusal);
    /// Runs one of the widget's commands (`play`, `pause`, `step`, `reset` for those that
    /// train); a widget without commands refuses every name.
    fn command(&self, name: &str) -> Result<(), Refusal> {
        Err(unknown_command(name, &[]))
    }
}

/// The refusal of a command a widget does not have.
pub fn unknown_command(name: &str, commands: &'static [&'static str]) -> Refusal {
    Refusal::at(
        "command",
        super::Reason::UnknownChoice {
            got: name.into(),
            choices: commands,
        },
    )
}

pub(crate) struct Live<S: WidgetState + Send + Sync> {
    pub(crate) state: RwSignal<S>,
    pub(crate) notice: RwSignal<Option<Refusal>>,
}

impl<S: WidgetState + Send + Sync> LiveWidget for Live<S> {
    fn name(&self) -> WidgetName {
        S::NAME
    }

    fn set(&self, patch: &[(String, Value)]) -> Result<(), Refusal> {
        let next = self.state.with_untracked(|s| s.patched(patch))?;
        if self.state.with_untracked(|s| *s != next) {
            self.state.set(next);
            self.notice.set(None);
        }
        Ok(())
    }

    fn set_leniently(&self, patch: &[(String, Value)]) -> Vec<Refusal> {
        let (next, refusals) = self.state.with_untracked(|s| s.patched_leniently(patch));
        self.state.set(next);
        refusals
    }

    fn fields(&self) -> Fields {
        self.state.with_untracked(S::fields)
    }

    fn outputs(&self) -> Fields {
        self.state.with_untracked(S::outputs)
    }

    fn show_refusal(&self, refusal: Refusal) {
        self.notice.set(Some(refusal));
    }
}

/// Builds one widget's view and handle, given its placement and its refusal notice.
pub type Build = fn(Placement, RwSignal<Option<Refusal>>) -> (AnyView, Rc<dyn LiveWidget>);

/// The widgets a page can show: the builder of each, `None` for those it leaves out. A bundle
/// links in only the widgets its catalogue names.
pub type Catalogue = fn(WidgetName) -> Option<Build>;

/// The primer's first widgets — `neuron`, `activation`, `loss` — in one bundle.
pub fn basics(name: WidgetName) -> Option<Build> {
    let build: Build = match name {
        WidgetName::Neuron => |p, n| build::<Neuron>(p, n, views::neuron::view),
        WidgetName::Activation => |p, n| build::<ActivationPoint>(p, n, views::activation::view),
        WidgetName::Loss => |p, n| build::<LossExample>(p, n, views::loss::view),
        _ => return None,
    };
    Some(build)
}

/// The `gradient_descent` lab, in a bundle of its own (it holds the surfaces, the optimizers
/// and their drawing).
pub fn descent_lab(name: WidgetName) -> Option<Build> {
    let build: Build = match name {
        WidgetName::GradientDescent => |p, n| build::<GradientDescent>(p, n, views::descent::view),
        _ => return None,
    };
    Some(build)
}

/// The `backprop` lab, in a bundle of its own (it holds a network's forward and backward
/// passes, the step's explanations and their texts).
pub fn backprop_lab(name: WidgetName) -> Option<Build> {
    let build: Build = match name {
        WidgetName::Backprop => |p, n| build::<Backprop>(p, n, views::backprop::view),
        _ => return None,
    };
    Some(build)
}

/// The 2-D playground, in a bundle of its own (it starts its own training worker).
pub fn plane_lab(name: WidgetName) -> Option<Build> {
    let build: Build = match name {
        WidgetName::Playground2d => views::playground2d::live::build,
        _ => return None,
    };
    Some(build)
}

/// The catalogues of `widget.html`'s bundles, by bundle name (as `widgets-boot.js` loads them).
pub const BUNDLES: [(&str, Catalogue); 4] = [
    ("widgets", basics),
    ("descent", descent_lab),
    ("backprop", backprop_lab),
    ("plane", plane_lab),
];

/// Every widget that computes on the main thread (the article): all but the 2-D playground,
/// which brings its own trainer.
pub fn every(name: WidgetName) -> Option<Build> {
    BUNDLES
        .iter()
        .filter(|(bundle, _)| *bundle != "plane")
        .find_map(|(_, catalogue)| catalogue(name))
}

/// How a widget is put on a page.
#[derive(Clone)]
pub struct Placement {
    /// Which widget.
    pub name: WidgetName,
    /// The widgets the page's bundle holds.
    pub catalogue: Catalogue,
    /// Its language (the article switches all of its widgets at once).
    pub lang: Signal<Lang>,
    /// The controls shown.
    pub controls: Controls,
    /// The compact look.
    pub compact: bool,
    /// Told of every edit the learner makes.
    pub on_edit: Rc<dyn Fn(UserEdit)>,
}

fn build<S: WidgetState + Send + Sync>(
    placement: Placement,
    notice: RwSignal<Option<Refusal>>,
    view: fn(WidgetCtx<S>) -> AnyView,
) -> (AnyView, Rc<dyn LiveWidget>) {
    let (ctx, live) = context::<S>(&placement, notice);
    (view(ctx), Rc::new(live))
}

/// A widget's context for its view, and its handle's state: the state signal, and edits
/// checked and reported to the placement's `on_edit`.
pub(crate) fn context<S: WidgetState + Send + Sync>(
    placement: &Placement,
    notice: RwSignal<Option<Refusal>>,
) -> (WidgetCtx<S>, Live<S>) {
    let state = RwSignal::new(S::default());
    let on_edit = placement.on_edit.clone();
    let edit =
        Rc::new(
            move |patch: super::Patch| match state.with_untracked(|s| s.patched(&patch)) {
                Ok(next) => {
                    if state.with_untracked(|s| *s != next) {
                        state.set(next);
                        notice.set(None);
                        on_edit(UserEdit::Changed);
                    }
                }
                Err(refusal) => {
                    notice.set(Some(refusal.clone()));
                    on_edit(UserEdit::Refused(refusal));
                }
            },
        );
    let ctx = WidgetCtx::new(state, placement.lang, placement.controls.clone(), edit);
    (ctx, Live { state, notice })
}

/// The widget's view inside its scoped root element, and its handle; `None` when the page's
/// catalogue does not hold the widget. Call it inside a reactive owner (a component, or
/// [`mount`]).
pub fn widget_view(placement: Placement) -> Option<(AnyView, Rc<dyn LiveWidget>)> {
    let (name, lang, compact) = (placement.name, placement.lang, placement.compact);
    let build = (placement.catalogue)(name)?;
    let notice = RwSignal::new(None::<Refusal>);
    let (inner, live) = build(placement, notice);
    let view = view! {
        <div class=format!("nw nw-{}", name.key()) class:nw-compact=compact
            data-widget=name.key() lang=move || lang.get().code()>
            {move || notice.get().map(|refusal| view! {
                <p class="nw-refusal" role="alert" data-testid="widget-refusal">
                    <span>{move || format!("{}: {}", text::REFUSED.in_lang(lang.get()), refusal.message(lang.get()))}</span>
                    <button title=move || text::DISMISS.in_lang(lang.get())
                        on:click=move |_| notice.set(None)>"×"</button>
                </p>
            })}
            {inner}
        </div>
    }
    .into_any();
    Some((view, live))
}

/// Mounts a widget into `element` (any element of any page) and returns its handle.
/// `None` (and nothing mounted) when the placement's catalogue does not hold the widget.
pub fn mount(element: HtmlElement, placement: Placement) -> Option<Rc<dyn LiveWidget>> {
    (placement.catalogue)(placement.name)?;
    let slot: Rc<RefCell<Option<Rc<dyn LiveWidget>>>> = Rc::new(RefCell::new(None));
    let filled = slot.clone();
    let handle = leptos::mount::mount_to(element, move || {
        widget_view(placement).map(|(view, live)| {
            filled.replace(Some(live));
            view
        })
    });
    // The widget lives as long as the page.
    handle.forget();
    slot.take()
}
