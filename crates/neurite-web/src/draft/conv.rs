//! The convolutional blocks of a [`super::Draft`]: each a convolution, then optionally a
//! pooling layer, as the controls show them, and the layers they become.
//!
//! The form edits what a learner varies (filters, kernel size, padding, activation, the kind
//! of pooling); what it does not offer (strides, initialiser, the pooling window) is kept as a
//! preset or a loaded model file had it, so that a model shown in the form is the model.

use neurite::layers::Init;
use neurite::layers::window::Padding;
use neurite::spec::Pair;
use neurite::{Activation, LayerSpec};

use super::{Refusal, RefusalKind, whole};

/// The pooling after a convolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolChoice {
    /// None.
    None,
    /// `MaxPooling2D`.
    Max,
    /// `AveragePooling2D`.
    Average,
}

impl PoolChoice {
    /// Every entry, in menu order.
    pub const ALL: [PoolChoice; 3] = [PoolChoice::None, PoolChoice::Max, PoolChoice::Average];

    /// The value the menu uses.
    pub fn key(self) -> &'static str {
        match self {
            PoolChoice::None => "none",
            PoolChoice::Max => "max",
            PoolChoice::Average => "average",
        }
    }

    /// The entry with this menu value.
    pub fn from_key(key: &str) -> Option<Self> {
        PoolChoice::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// One convolutional block's controls.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvBlock {
    /// Kernels, as typed.
    pub filters: String,
    /// Kernel size as typed: `3` for 3×3, or `3x5` / `3×5`.
    pub kernel: String,
    /// Border handling.
    pub padding: Padding,
    /// Activation.
    pub activation: Activation,
    /// The pooling after it.
    pub pool: PoolChoice,
    /// Kept, not offered: the convolution's strides.
    pub strides: Pair,
    /// Kept, not offered: how its kernel is initialised.
    pub init: Init,
    /// Kept, not offered: the pooling window, its strides and padding.
    pub pool_size: Pair,
    /// See [`ConvBlock::pool_size`].
    pub pool_strides: Option<Pair>,
    /// See [`ConvBlock::pool_size`].
    pub pool_padding: Padding,
}

impl ConvBlock {
    /// `filters` 3×3 ReLU kernels, `valid`, then 2×2 max pooling.
    pub fn relu(filters: usize) -> Self {
        ConvBlock {
            filters: filters.to_string(),
            kernel: "3".into(),
            padding: Padding::Valid,
            activation: Activation::Relu,
            pool: PoolChoice::Max,
            strides: Pair::square(1),
            init: Init::GlorotUniform,
            pool_size: Pair::square(2),
            pool_strides: None,
            pool_padding: Padding::Valid,
        }
    }

    /// The block a convolution layer starts, if `layer` is one.
    pub fn from_conv(layer: &LayerSpec) -> Option<Self> {
        let LayerSpec::Conv2d {
            filters,
            kernel_size: Pair([kh, kw]),
            strides,
            padding,
            activation,
            init,
        } = *layer
        else {
            return None;
        };
        Some(ConvBlock {
            filters: filters.to_string(),
            kernel: if kh == kw {
                kh.to_string()
            } else {
                format!("{kh}×{kw}")
            },
            padding,
            activation,
            pool: PoolChoice::None,
            strides,
            init,
            ..ConvBlock::relu(1)
        })
    }

    /// Takes `layer` as this block's pooling if it is a pooling layer and the block has none.
    pub fn take_pool(&mut self, layer: &LayerSpec) -> bool {
        let (choice, pool_size, strides, padding) = match *layer {
            LayerSpec::MaxPooling2d {
                pool_size,
                strides,
                padding,
            } => (PoolChoice::Max, pool_size, strides, padding),
            LayerSpec::AveragePooling2d {
                pool_size,
                strides,
                padding,
            } => (PoolChoice::Average, pool_size, strides, padding),
            _ => return false,
        };
        if self.pool != PoolChoice::None {
            return false;
        }
        self.pool = choice;
        self.pool_size = pool_size;
        self.pool_strides = strides;
        self.pool_padding = padding;
        true
    }

    /// The layers of block `i`, each with the control an engine refusal of it is shown at
    /// (`conv[i]` for the convolution, whose field then picks `.filters` or `.kernel`;
    /// `conv[i].pool` for the pooling).
    pub fn layers(&self, i: usize) -> Result<Vec<(LayerSpec, String)>, Refusal> {
        let filters = whole(&format!("conv[{i}].filters"), &self.filters)?;
        let kernel = parse_kernel(&format!("conv[{i}].kernel"), &self.kernel)?;
        let mut layers = vec![(
            LayerSpec::Conv2d {
                filters,
                kernel_size: kernel,
                strides: self.strides,
                padding: self.padding,
                activation: self.activation,
                init: self.init,
            },
            format!("conv[{i}]"),
        )];
        let (pool_size, strides, padding) = (self.pool_size, self.pool_strides, self.pool_padding);
        let pool = match self.pool {
            PoolChoice::None => None,
            PoolChoice::Max => Some(LayerSpec::MaxPooling2d {
                pool_size,
                strides,
                padding,
            }),
            PoolChoice::Average => Some(LayerSpec::AveragePooling2d {
                pool_size,
                strides,
                padding,
            }),
        };
        layers.extend(pool.map(|p| (p, format!("conv[{i}].pool"))));
        Ok(layers)
    }
}

/// The control of a convolution's field: `conv[i]` and `layers[k].filters` →
/// `conv[i].filters`; any other field of it (the kernel size, a window that does not fit) →
/// `conv[i].kernel`.
pub fn conv_control(owner: &str, field: &str) -> String {
    if field.ends_with(".filters") {
        format!("{owner}.filters")
    } else {
        format!("{owner}.kernel")
    }
}

/// A kernel size as typed: `3`, `3x5` or `3×5`.
fn parse_kernel(control: &str, text: &str) -> Result<Pair, Refusal> {
    let text = text.trim();
    let refused = || Refusal {
        control: control.into(),
        what: RefusalKind::NotAWholeNumber { text: text.into() },
    };
    let mut parts = text.split(['x', 'X', '×']).map(str::trim);
    let rows: usize = parts
        .next()
        .and_then(|p| p.parse().ok())
        .ok_or_else(refused)?;
    let columns: usize = match parts.next() {
        None => rows,
        Some(p) => p.parse().map_err(|_| refused())?,
    };
    if parts.next().is_some() {
        return Err(refused());
    }
    Ok(Pair([rows, columns]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_sizes_read_as_one_number_or_two() {
        assert_eq!(parse_kernel("k", "3").unwrap(), Pair([3, 3]));
        assert_eq!(parse_kernel("k", " 3x5 ").unwrap(), Pair([3, 5]));
        assert_eq!(parse_kernel("k", "3×5").unwrap(), Pair([3, 5]));
        for bad in ["", "x", "3x", "3x5x7", "-1", "2.5"] {
            assert!(parse_kernel("k", bad).is_err(), "{bad:?}");
        }
    }
}
