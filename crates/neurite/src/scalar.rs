//! The floating-point element type the engine is generic over.
//!
//! Training runs in `f32`; the finite-difference gradient checks run the very same layers in
//! `f64`, which is why every numeric piece of the engine is written against [`Scalar`].

use std::fmt::{Debug, Display};
use std::iter::Sum;

use ndarray::{LinalgScalar, ScalarOperand};
use num_traits::Float;

/// An element type the engine can compute in: `f32` or `f64`.
pub trait Scalar:
    LinalgScalar
    + Float
    + ScalarOperand
    + Debug
    + Display
    + Default
    + Sum
    + Send
    + Sync
    + std::ops::AddAssign
    + std::ops::SubAssign
    + std::ops::MulAssign
    + std::ops::DivAssign
    + 'static
{
    /// `x` converted to this type (rounded for `f32`).
    fn lit(x: f64) -> Self;

    /// This value as `f64`.
    fn to_f64_lossless(self) -> f64;

    /// The slice as `f32`s when this type is `f32`: the explicit SIMD kernels are written for
    /// `f32` and take over from the generic bodies through this.
    fn as_f32(values: &[Self]) -> Option<&[f32]>;

    /// The mutable slice as `f32`s when this type is `f32`.
    fn as_f32_mut(values: &mut [Self]) -> Option<&mut [f32]>;
}

impl Scalar for f32 {
    #[inline]
    fn lit(x: f64) -> Self {
        x as f32
    }

    #[inline]
    fn to_f64_lossless(self) -> f64 {
        f64::from(self)
    }

    #[inline]
    fn as_f32(values: &[Self]) -> Option<&[f32]> {
        Some(values)
    }

    #[inline]
    fn as_f32_mut(values: &mut [Self]) -> Option<&mut [f32]> {
        Some(values)
    }
}

impl Scalar for f64 {
    #[inline]
    fn lit(x: f64) -> Self {
        x
    }

    #[inline]
    fn to_f64_lossless(self) -> f64 {
        self
    }

    #[inline]
    fn as_f32(_: &[Self]) -> Option<&[f32]> {
        None
    }

    #[inline]
    fn as_f32_mut(_: &mut [Self]) -> Option<&mut [f32]> {
        None
    }
}
