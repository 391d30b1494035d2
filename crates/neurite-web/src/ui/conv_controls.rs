//! The controls of the convolutional blocks (a convolution, then optionally pooling) that come
//! before the flatten layer, and the dropout after it.

use leptos::prelude::*;
use neurite::layers::window::Padding;

use super::controls::{Form, activation_select, edit, error_at};
use crate::draft::{ConvBlock, Draft, PoolChoice, Refusal};
use crate::i18n::Text;

/// The most convolutional blocks the page offers.
const MAX_CONV_BLOCKS: usize = 4;

fn padding_key(padding: Padding) -> &'static str {
    match padding {
        Padding::Valid => "valid",
        Padding::Same => "same",
    }
}

fn conv_block(state: Form, refusal: Memo<Option<Refusal>>, i: usize) -> impl IntoView {
    let filters_error = error_at(state, refusal, format!("conv[{i}].filters"));
    let kernel_error = error_at(state, refusal, format!("conv[{i}].kernel"));
    let pool_error = error_at(state, refusal, format!("conv[{i}].pool"));
    let (filters_invalid, kernel_invalid) = (filters_error.clone(), kernel_error.clone());
    let block = move |f: fn(&ConvBlock) -> String| {
        let value = Memo::new(move |_| {
            state
                .control
                .draft
                .with(|d| d.conv.get(i).map(f).unwrap_or_default())
        });
        move || value.get()
    };
    let t = move |text: Text| state.t(text);
    view! {
        <div class="layer conv" data-testid=format!("conv-{i}")>
            <span class="layer-name">"conv2d_" {i + 1}</span>
            <label class="mini" class:invalid=move || filters_invalid().is_some()>
                <span>{move || t(Text::Filters)}</span>
                <input type="text" inputmode="numeric" data-testid=format!("conv-{i}-filters")
                    prop:value=block(|b| b.filters.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        edit(state, |d| d.conv[i].filters = value);
                    }/>
            </label>
            <label class="mini" class:invalid=move || kernel_invalid().is_some()>
                <span>{move || t(Text::Kernel)}</span>
                <input type="text" data-testid=format!("conv-{i}-kernel")
                    prop:value=block(|b| b.kernel.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        edit(state, |d| d.conv[i].kernel = value);
                    }/>
            </label>
            <label class="mini">
                <span>{move || t(Text::Padding)}</span>
                <select data-testid=format!("conv-{i}-padding")
                    prop:value=block(|b| padding_key(b.padding).to_string())
                    on:change=move |ev| {
                        let same = event_target_value(&ev) == "same";
                        edit(state, |d| d.conv[i].padding = if same { Padding::Same } else { Padding::Valid });
                    }>
                    <option value="valid">"valid"</option>
                    <option value="same">"same"</option>
                </select>
            </label>
            {activation_select(
                state,
                format!("conv-{i}-activation"),
                block(|b| b.activation.name().to_string()),
                move |d, a| d.conv[i].activation = a,
            )}
            <label class="mini">
                <span>{move || t(Text::Pooling)}</span>
                <select data-testid=format!("conv-{i}-pool")
                    prop:value=block(|b| b.pool.key().to_string())
                    on:change=move |ev| {
                        if let Some(pool) = PoolChoice::from_key(&event_target_value(&ev)) {
                            edit(state, |d| d.conv[i].pool = pool);
                        }
                    }>
                    <option value="none">{move || t(Text::PoolNone)}</option>
                    <option value="max">{move || t(Text::PoolMax)}</option>
                    <option value="average">{move || t(Text::PoolAverage)}</option>
                </select>
            </label>
            <button class="remove" data-testid=format!("conv-{i}-remove") title=move || t(Text::Remove)
                on:click=move |_| edit(state, |d| { d.conv.remove(i); })>"✕"</button>
            {move || filters_error().or_else(&kernel_error).or_else(&pool_error).map(|message| view! {
                <span class="error" data-testid=format!("conv-{i}-error")>{message}</span>
            })}
        </div>
    }
}

/// The convolutional blocks, an "add" button, the flatten layer with the shape it flattens,
/// and the dropout after it.
pub fn conv_section(state: Form, refusal: Memo<Option<Refusal>>) -> impl IntoView {
    let count = Memo::new(move |_| state.control.draft.with(|d| d.conv.len()));
    let t = move |text: Text| state.t(text);
    // What the flatten layer receives, from the last configuration that checked.
    let flattened = Memo::new(move |_| {
        state.control.checked.with(|c| {
            let spec = &c.as_ref().ok()?.model;
            let shapes = spec.layer_shapes().ok()?;
            let flatten = spec
                .layers
                .iter()
                .position(|l| matches!(l, neurite::LayerSpec::Flatten))?;
            let dims: Vec<String> = shapes[flatten].input.iter().map(usize::to_string).collect();
            Some(format!(
                "{} → {}",
                dims.join("×"),
                shapes[flatten].output[0]
            ))
        })
    });
    let dropout_error = error_at(state, refusal, "flatten_dropout".into());
    let dropout_invalid = dropout_error.clone();
    let dropout = Memo::new(move |_| {
        state
            .control
            .draft
            .with(|d: &Draft| d.flatten_dropout.clone())
    });
    // Folded away while the model has no convolution, so that a dense model's form stays short.
    view! {
        <details class="conv-section" data-testid="conv-section" prop:open=move || { count.get() > 0 }>
        <summary><h3>{move || t(Text::Convolutions)}</h3></summary>
        <div class="layers" data-testid="conv-layers">
            {move || (0..count.get()).map(|i| conv_block(state, refusal, i)).collect_view()}
            <button data-testid="add-conv" disabled=move || { count.get() >= MAX_CONV_BLOCKS }
                on:click=move |_| edit(state, |d| {
                    let filters = if d.conv.is_empty() { 32 } else { 64 };
                    d.conv.push(ConvBlock::relu(filters));
                })>
                "+ " {move || t(Text::AddConvolution)}
            </button>
            <div class="layer fixed" data-testid="flatten">
                "flatten_1 · " {move || flattened.get().unwrap_or_default()}
            </div>
            <label class="mini" class:invalid=move || dropout_invalid().is_some()>
                <span>{move || t(Text::FlattenDropout)}</span>
                <input type="text" inputmode="decimal" data-testid="flatten-dropout"
                    prop:value=move || dropout.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        edit(state, |d| d.flatten_dropout = value);
                    }/>
            </label>
            {move || dropout_error().map(|message| view! {
                <span class="error" data-testid="flatten-dropout-error">{message}</span>
            })}
        </div>
        </details>
    }
}
